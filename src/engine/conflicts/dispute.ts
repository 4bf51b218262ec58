/** What the record checks (design, requirement) read and what they find, shared by them and src/engine/conflicts/record-disputes.ts. */
export interface RecordFile {
  path: string;
  /** The role id, from the file name (not from the record's own claim). */
  agent: string;
  content: string;
}

export interface Dispute {
  topic: string;
  raisedBy: string;
  ours: Record<string, unknown>;
  theirs: Record<string, unknown>;
  details: Record<string, unknown>;
}
