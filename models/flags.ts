// Every flag type: who raises it, its label (review, accommodations, reports) and its severity. No dependencies: the
// extension's background bundles it.
export const flagSeverities = ['low', 'medium', 'high'] as const;
export type FlagSeverity = (typeof flagSeverities)[number];

/** Flags the on-device detector raises; an accommodation can turn each off for a student. */
export const flagTypes = ['phone', 'multiple_people', 'nobody', 'face_not_visible', 'camera_covered_or_dark'] as const;
export type FlagType = (typeof flagTypes)[number];
/** Flags the extension raises about the exam's integrity. */
export const extensionFlagTypes = ['multiple_displays', 'stream_lost'] as const;
/** Flags only the server raises, from what it saw (or did not see) of the extension. */
export const serverFlagTypes = ['heartbeat_lost', 'extension_removed'] as const;

/** What the extension may report. */
export const reportedFlagTypes = [...flagTypes, ...extensionFlagTypes] as const;
export type ReportedFlagType = (typeof reportedFlagTypes)[number];
export type AnyFlagType = ReportedFlagType | (typeof serverFlagTypes)[number];

export const flagKinds: Record<AnyFlagType, { label: string; severity: FlagSeverity }> = {
  phone: { label: 'Phone in view', severity: 'high' },
  multiple_people: { label: 'More than one person', severity: 'high' },
  nobody: { label: 'Nobody in view', severity: 'medium' },
  face_not_visible: { label: 'Face not visible', severity: 'low' },
  camera_covered_or_dark: { label: 'Camera dark or covered', severity: 'medium' },
  multiple_displays: { label: 'More than one display', severity: 'medium' },
  stream_lost: { label: 'Camera or screen share stopped', severity: 'medium' },
  heartbeat_lost: { label: 'Extension went silent', severity: 'high' },
  extension_removed: { label: 'Extension removed', severity: 'high' },
};

/** A stored flag's label; a type from an older version still reads. */
export const flagLabel = (type: string) => flagKinds[type as AnyFlagType]?.label ?? type.replace(/_/g, ' ');

/**
 * Who recorded a flag or an event. The extension runs on the student's computer: what it reports is the student's
 * side of the story. The server's own evidence (silences, removal, gaps, the bandwidth check) lives apart, under
 * its own ids, and no client request can write or change it.
 */
export const evidenceSources = ['extension', 'server'] as const;
export type EvidenceSource = (typeof evidenceSources)[number];
export const evidenceSourceLabels: Record<EvidenceSource, string> = {
  extension: 'Reported by the extension',
  server: 'Recorded by the server',
};
