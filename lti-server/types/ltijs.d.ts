// ltijs 5.9's surface as we use it (@types/ltijs describes v4).
declare module 'ltijs' {
  import type { Express, Request, Response, NextFunction } from 'express';

  export type IdToken = {
    iss: string;
    user: string;
    userInfo?: { given_name?: string; family_name?: string; name?: string; email?: string };
    platformInfo?: Record<string, unknown>;
    clientId: string;
    platformId: string;
    deploymentId: string;
    platformContext: {
      contextId: string;
      user: string;
      roles: string[];
      targetLinkUri: string;
      context?: { id: string; label?: string; title?: string };
      resource?: { id: string; title?: string };
      custom?: Record<string, string>;
      messageType: string;
      deepLinkingSettings?: Record<string, unknown>;
      endpoint?: Record<string, unknown>;
      namesRoles?: Record<string, unknown>;
    };
  };

  export type DatabasePlugin = {
    setup(): Promise<boolean>;
    Close(): Promise<boolean>;
    Get(key: string | false, collection: string, query?: Record<string, unknown>): Promise<Record<string, unknown>[] | false>;
    Insert(key: string | false, collection: string, item: Record<string, unknown>, index?: Record<string, unknown>): Promise<boolean>;
    Replace(key: string | false, collection: string, query: Record<string, unknown>, item: Record<string, unknown>, index?: Record<string, unknown>): Promise<boolean>;
    Modify(key: string | false, collection: string, query: Record<string, unknown>, modification: Record<string, unknown>): Promise<boolean>;
    Delete(collection: string, query: Record<string, unknown>): Promise<boolean>;
  };

  export type PlatformConfig = {
    url: string;
    name: string;
    clientId: string;
    authenticationEndpoint: string;
    accesstokenEndpoint: string;
    authorizationServer?: string;
    authConfig: { method: 'JWK_SET' | 'JWK_KEY' | 'RSA_KEY'; key: string };
  };

  export interface Platform {
    platformUrl(): Promise<string>;
    platformClientId(): Promise<string>;
    platformName(): Promise<string>;
    platformKid(): Promise<string>;
    platformActive(): Promise<boolean>;
    platformAuthEndpoint(): Promise<string>;
    platformAccessTokenEndpoint(): Promise<string>;
    platformAuthConfig(): Promise<{ method: string; key: string }>;
    platformJSON(): Promise<Record<string, unknown>>;
    delete(): Promise<boolean>;
  }

  type Handler = (token: IdToken, req: Request, res: Response, next: NextFunction) => unknown;
  type ErrorHandler = (req: Request, res: Response) => unknown;

  export interface Provider {
    app: Express;
    setup(key: string, database: { plugin: DatabasePlugin }, options: Record<string, unknown>): Provider;
    deploy(options: { serverless: true; silent?: boolean }): Promise<boolean>;
    close(options?: { silent?: boolean }): Promise<boolean>;
    onConnect(handler: Handler, options?: Record<string, unknown>): void;
    onDeepLinking(handler: Handler, options?: Record<string, unknown>): void;
    onInvalidToken(handler: ErrorHandler): void;
    onUnregisteredPlatform(handler: ErrorHandler): void;
    onInactivePlatform(handler: ErrorHandler): void;
    onSessionTimeout(handler: ErrorHandler): void;
    loginRoute(): string;
    appRoute(): string;
    keysetRoute(): string;
    dynRegRoute(): string;
    whitelist(...routes: unknown[]): void;
    registerPlatform(config: PlatformConfig): Promise<Platform>;
    getPlatform(url: string, clientId?: string): Promise<Platform | Platform[] | false>;
    getAllPlatforms(): Promise<Platform[]>;
    deletePlatform(url: string, clientId: string): Promise<boolean>;
    DeepLinking: {
      createDeepLinkingForm(token: IdToken, items: unknown[], options?: { message?: string; log?: string }): Promise<string>;
      createDeepLinkingMessage(token: IdToken, items: unknown[], options?: { message?: string; log?: string }): Promise<string>;
    };
    DynamicRegistration: {
      register(openidConfiguration: string, registrationToken?: string, options?: Record<string, unknown>): Promise<string>;
    };
    Grade: Record<string, (...args: unknown[]) => Promise<unknown>>;
    NamesAndRoles: { getMembers(token: IdToken, options?: Record<string, unknown>): Promise<Record<string, unknown>> };
  }

  export const Provider: Provider;
}
