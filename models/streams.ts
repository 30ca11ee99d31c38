// The recorded streams, with the words pages and messages use for them. No dependencies.
export const streamNames = ['webcam', 'screen'] as const;
export type StreamName = (typeof streamNames)[number];

export const streamLabels: Record<StreamName, { title: string; inSentence: string }> = {
  webcam: { title: 'Webcam', inSentence: 'camera' },
  screen: { title: 'Screen', inSentence: 'screen share' },
};
