// Recording constants shared by the extension's recorder and the server's remux. No dependencies.

/** How much recording one chunk holds: the recorder's timeslice. */
export const timesliceMs = 3000;
