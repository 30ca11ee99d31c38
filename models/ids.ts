// Identifier shapes shared by the server's loaders and the contracts. No dependencies.

/** A PostgreSQL uuid as our tables generate them (lower-case hex). */
export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
