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

/** JSON text columns: NULL means "not stated". */
export interface ProviderTable {
  id: Generated<number>;
  slug: string;
  name: string;
  website: string | null;
  contact_email: string | null;
  status: string;
  approved_on: string | null;
  status_changed_on: string | null;
  listed_periods: string | null;
  coverage: string;
  coverage_note: string | null;
  delivery: string | null;
  placement_approaches: string | null;
  phases: string | null;
  subjects: string | null;
  study_modes: string | null;
  fee_min_pence: number | null;
  fee_max_pence: number | null;
  start_months: string | null;
  source: string;
  is_sample: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface PlacementSchoolTable {
  id: Generated<number>;
  name: string;
  country: string;
  town: string;
  lat: number;
  lon: number;
  phases: string | null;
  languages: string | null;
  verified: Generated<number>;
  match_key: string;
  is_sample: Generated<number>;
  created_at: string;
}

export interface PartnershipTable {
  id: Generated<number>;
  provider_id: number;
  school_id: number;
  status: string;
  started_on: string | null;
  ended_on: string | null;
  is_sample: Generated<number>;
}

export interface Database {
  sessions: SessionTable;
  content_feedback: ContentFeedbackTable;
  providers: ProviderTable;
  placement_schools: PlacementSchoolTable;
  partnerships: PartnershipTable;
}
