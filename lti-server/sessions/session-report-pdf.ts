// The session summary as a PDF: the figures, the three charts drawn as bars and a step line, and one line per
// student. Built in memory (a few pages).
import { pdfDocument } from '../pages/pdf-document.ts';
import type { proctoredSessions, quizzes } from '../../models/schema.ts';
import { scoreBins, type SessionReport } from './session-report.ts';

const margin = 50;
const utc = (d: Date | null) => (d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—');

export function sessionReportPdf(session: typeof proctoredSessions.$inferSelect, quiz: typeof quizzes.$inferSelect, report: SessionReport, generatedBy: string): Promise<Buffer> {
  const { doc, bytes: done } = pdfDocument({ Title: `Session report: ${session.name}`, Subject: `Proctored session of ${quiz.title}` }, margin);
  const width = doc.page.width - 2 * margin;
  const room = (height: number) => { if (doc.y + height > doc.page.height - margin) doc.addPage(); };
  const heading = (text: string) => { room(60); doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).fillColor('#1b1f24').text(text).moveDown(0.3).font('Helvetica').fontSize(10); };
  const line = (text: string) => doc.font('Helvetica').fontSize(10).fillColor('#1b1f24').text(text);

  /** Bars with their values and labels, 120 points high. */
  const bars = (list: { label: string; value: number }[]) => {
    if (!list.length) return line('Nothing to show.');
    room(150);
    const top = Math.max(1, ...list.map((b) => b.value));
    const x0 = margin;
    const y0 = doc.y + 120;
    const step = width / list.length;
    list.forEach((b, i) => {
      const h = (b.value / top) * 100;
      doc.rect(x0 + i * step + step * 0.15, y0 - h, step * 0.7, h).fill('#1f5fa8');
      doc.fillColor('#1b1f24').fontSize(8).text(String(b.value), x0 + i * step, y0 - h - 10, { width: step, align: 'center' });
      doc.text(b.label, x0 + i * step, y0 + 3, { width: step, align: 'center' });
    });
    doc.x = margin;
    doc.y = y0 + 24;
  };

  doc.font('Helvetica-Bold').fontSize(18).text('Session report');
  line(`${session.name} — ${quiz.title}`);
  line(`Scheduled ${utc(session.startsAt)}; started ${utc(session.startedAt)}; ended ${utc(session.endedAt)}.`);
  line(`Report made ${utc(new Date())} by ${generatedBy}.`);
  heading('Participation');
  line(`Invited ${report.invited}, joined ${report.joined}, started ${report.started}, completed ${report.completed}.`);
  line(`Completion rate: ${report.completionRate === null ? '—' : `${Math.round(report.completionRate * 100)} %`} (completed ÷ started). Average time: ${report.averageMinutes === null ? '—' : `${report.averageMinutes} minutes`}.`);
  line(`Messages: ${report.messagesSent} sent, ${report.messagesAcknowledged} acknowledged. Extra time given: ${report.extraMinutes} minutes.`);
  heading('Score distribution');
  line(report.scores.note);
  bars(scoreBins(report.scores.values).map((b) => ({ label: `${Math.round(b.from * 10) / 10}–${Math.round(b.to * 10) / 10}`, value: b.count })));
  heading('Completion over time');
  if (!report.completions.length) line('Nobody has completed yet.');
  else bars(report.completions.map((c) => ({ label: `${c.minute} min`, value: c.completed })));
  heading('Flags by type');
  bars(report.flagsByType.map((f) => ({ label: f.label, value: f.count })));
  heading('Students');
  for (const r of report.rows) {
    room(28);
    line(`${r.name} — ${r.status}; ${r.minutes === null ? 'no time' : `${r.minutes} min`}; score ${r.score ?? '—'}; ${r.flags} flag(s); ${r.messages} message(s), ${r.acknowledged} acknowledged; +${r.extraMinutes} min; ID confirmed ${utc(r.idConfirmedAt)}`);
  }
  doc.end();
  return done;
}
