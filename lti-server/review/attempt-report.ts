// One attempt's report as a PDF, for the integrity office's file: who, which quiz, when, the timeline with its flags
// and holes, each flag with its explanation, picture, decisions and the student's answer, the outcome, and the audit
// entries. Made from the same review the page shows (routes/reviews/load.ts), so the two never disagree.
import { pdfDocument } from '../pages/pdf-document.ts';
import { auditActionLabels, flagDecisionLabels } from '../../models/review.ts';
import { timelineHoles } from '../../models/timeline.ts';
import { clock, describeEvent, explainFlag } from '../client/review-format.ts';
import type { AttemptReview } from '../routes/reviews/load.ts';

const severityColours: Record<string, string> = { low: '#0b5cad', medium: '#b35900', high: '#a4161a' };
const utc = (iso: string | null) => (iso ? `${iso.replace('T', ' ').slice(0, 19)} UTC` : '—');
const margin = 50;

export type ReportInput = { review: AttemptReview; student: string; quizTitle: string; generatedBy: string; evidence: Map<number, Buffer> };

/** The whole report in memory: a few pages of text and thumbnails. */
export function attemptReportPdf(input: ReportInput): Promise<Buffer> {
  const { review } = input;
  const { doc, bytes: done } = pdfDocument({ Title: `Proctoring report: ${input.student}, ${input.quizTitle}`, Subject: 'Proctored attempt report' }, margin);
  const width = doc.page.width - 2 * margin;
  const heading = (text: string) => doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).fillColor('#1b1f24').text(text).moveDown(0.3).font('Helvetica').fontSize(10);
  const line = (text: string, options: PDFKit.Mixins.TextOptions = {}) => doc.font('Helvetica').fontSize(10).fillColor('#1b1f24').text(text, options);
  const room = (height: number) => { if (doc.y + height > doc.page.height - margin) doc.addPage(); };

  doc.font('Helvetica-Bold').fontSize(18).text('Proctoring report');
  line(`Student: ${input.student}`);
  line(`Quiz: ${input.quizTitle}`);
  line(`Attempt: ${review.attempt.id}${review.attempt.lmsAttemptId ? ` (LMS attempt ${review.attempt.lmsAttemptId})` : ''}`);
  line(`Started: ${utc(review.attempt.startedAt)}   Finished: ${utc(review.attempt.finishedAt)}   Status: ${review.attempt.statusLabel}`);
  line(review.state);
  if (review.attempt.recording) line(`Recorded as ${review.attempt.recording}.`);
  line(`Report made ${utc(new Date().toISOString())} by ${input.generatedBy}. A flag is a moment to look at, not a finding of misconduct.`, { oblique: true });

  heading('Timeline');
  const ready = review.recordings.filter((r) => r.timeline.length);
  const segments = ready.flatMap((r) => r.timeline);
  if (!segments.length) line('No recording was made, so there is no timeline.');
  else {
    const start = Math.min(...segments.map((s) => s.wallStartMs));
    const end = Math.max(...segments.map((s) => s.wallStartMs + s.durationMs));
    const x = (ms: number) => margin + ((ms - start) / Math.max(1, end - start)) * width;
    room(60);
    const top = doc.y;
    doc.rect(margin, top, width, 22).fillAndStroke('#e8ebef', '#4a5360');
    for (const r of ready) for (const hole of timelineHoles(r.timeline)) doc.rect(x(hole.fromMs), top, Math.max(1, x(hole.toMs) - x(hole.fromMs)), 22).fill('#6b7480');
    for (const f of review.flags) {
      const from = Date.parse(f.startedAt);
      doc.rect(x(from), top + 4, Math.max(2, x(Date.parse(f.endedAt)) - x(from)), 14).fill(severityColours[f.severity] ?? '#0b5cad');
    }
    doc.y = top + 26;
    line(`${utc(new Date(start).toISOString())} to ${utc(new Date(end).toISOString())} (${clock((end - start) / 1000)}). Marks: flags (blue low, orange medium, red high severity); grey bands: nothing was recorded.`);
    for (const r of ready) for (const hole of timelineHoles(r.timeline)) line(`${r.label}: no recording from ${utc(new Date(hole.fromMs).toISOString())} to ${utc(new Date(hole.toMs).toISOString())}.`);
  }

  heading(`Flags (${review.flags.length})`);
  if (!review.flags.length) line('No flags.');
  for (const f of review.flags) {
    room(120);
    doc.font('Helvetica-Bold').fontSize(11).fillColor(severityColours[f.severity] ?? '#1b1f24')
      .text(`${f.offsetSeconds === null ? '' : `${clock(f.offsetSeconds)} · `}${f.label} (${f.severity} severity, ${f.sourceLabel})`);
    line(`${utc(f.startedAt)} to ${utc(f.endedAt)}. ${explainFlag(f.explanation)}`);
    const picture = input.evidence.get(f.id);
    if (picture) {
      try {
        const y = doc.y + 4;
        doc.image(picture, margin, y, { width: 120 });
        doc.y = y + 94;
      } catch {
        line('(The picture could not be placed in the report.)');
      }
    }
    for (const d of f.decisions) line(`${d === f.decisions.at(-1) ? 'Decision' : 'Earlier decision'}: ${flagDecisionLabels[d.decision]}${d.reason ? `: ${d.reason}` : ''}${d.note ? ` — ${d.note}` : ''} (${d.by}, ${utc(d.at)})`);
    if (!f.decisions.length) line('Not decided yet.');
    for (const r of f.requests) {
      line(`Explanation requested by ${r.by} on ${utc(r.at)}: ${r.message}`);
      line(r.answer ? `The student's explanation (${utc(r.answeredAt)}): ${r.answer}` : `Not answered (due ${utc(r.dueAt)}).`);
    }
    doc.moveDown(0.5);
  }

  heading('Outcome');
  if (!review.outcomes.length) line('Not reviewed yet.');
  for (const o of review.outcomes) line(`${o === review.outcomes.at(-1) ? 'Outcome' : 'Earlier outcome'}: ${o.label}${o.note ? ` — ${o.note}` : ''} (${o.by}, ${utc(o.at)})`);
  for (const r of review.requests) {
    line(`Explanation requested by ${r.by} on ${utc(r.at)}: ${r.message}`);
    line(r.answer ? `The student's explanation (${utc(r.answeredAt)}): ${r.answer}` : `Not answered (due ${utc(r.dueAt)}).`);
  }

  heading('Events');
  if (!review.events.length) line('None.');
  for (const e of review.events) line(`${e.sourceLabel}: ${describeEvent(e)}`);

  heading('Audit log');
  if (!review.audit.length) line('Nothing recorded yet.');
  for (const a of review.audit) line(`${utc(a.at)}  ${a.by}  ${auditActionLabels[a.action] ?? a.action}`);
  doc.end();
  return done;
}
