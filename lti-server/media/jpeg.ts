/** Whether bytes start as a JPEG does (SOI, then a marker): pictures from the extension are checked before they are kept. */
export const isJpeg = (bytes: Buffer) => bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
