import type { Generated } from 'kysely';

/**
 * Table types. Portable across SQLite and PostgreSQL: timestamps are ISO-8601 UTC text
 * (they sort as text), booleans are 0/1 integers, money is integer pence.
 */
export interface SessionTable {
  /** sha256 of the cookie token, so a copy of the table cannot be replayed as cookies. */
  id: string;
  data: string;
  expires_at: string;
  created_at: string;
  updated_at: string;
}

export interface ContentFeedbackTable {
  id: Generated<number>;
  page_path: string;
  useful: number;
  comment: string | null;
  created_at: string;
}

export interface Database {
  sessions: SessionTable;
  content_feedback: ContentFeedbackTable;
}
