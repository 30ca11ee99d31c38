// The screen stream: only the entire screen shows what the student sees; a tab or window share would hide the rest.
export const entireScreenMessage = 'Share your entire screen, not a window or a tab.';

/** Returns the stream if it shows a whole monitor; otherwise stops it and throws the message the student sees. */
export function requireEntireScreen(stream: MediaStream): MediaStream {
  const surface = stream.getVideoTracks()[0]?.getSettings().displaySurface;
  if (surface && surface !== 'monitor') {
    stream.getTracks().forEach((t) => t.stop());
    throw new Error(entireScreenMessage);
  }
  return stream;
}

export async function captureEntireScreen(): Promise<MediaStream> {
  const stream = await navigator.mediaDevices.getDisplayMedia({ video: { displaySurface: 'monitor' } as MediaTrackConstraints, audio: false });
  return requireEntireScreen(stream);
}
