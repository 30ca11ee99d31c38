// A PDF built in memory (reports of a few pages): the document to draw on, and the bytes once it is ended.
import PDFDocument from 'pdfkit';

export function pdfDocument(info: { Title: string; Subject: string }, margin: number) {
  const doc = new PDFDocument({ size: 'A4', margin, info: { ...info, Author: 'Invigil' }, lang: 'en' });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const bytes = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, bytes };
}
