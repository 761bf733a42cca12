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
  /** JSON PublicFacts (features/providers/model.ts): what the provider's own pages say, with sources. */
  public_facts: string | null;
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

export interface UserTable {
  id: Generated<number>;
  email: string;
  name: string | null;
  /** candidate | provider | admin */
  role: string;
  is_sample: Generated<number>;
  created_at: string;
  last_signed_in_at: string | null;
  /** IANA zone the user reads times in; null: not chosen yet (see shared/zoned-time.ts). */
  time_zone: string | null;
  /** When a DfE admin deactivated the account; null: active. A deactivated user cannot sign in. */
  deactivated_at: Generated<string | null>;
}

export interface ProviderMembershipTable {
  user_id: number;
  provider_id: number;
  can_make_decisions: number;
  can_manage_schools: number;
  can_manage_users: number;
  can_manage_profile: Generated<number>;
  can_manage_trainees: Generated<number>;
  can_recommend_for_award: Generated<number>;
  created_at: string;
}

export interface SignInCodeTable {
  id: Generated<number>;
  email: string;
  code_hash: string;
  ip: string;
  attempts: Generated<number>;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface ApplicationTable {
  id: Generated<number>;
  reference: string;
  candidate_id: number;
  provider_id: number | null;
  status: string;
  /** JSON: the task list's sections. */
  answers: string;
  candidate_name: string | null;
  country: string | null;
  phase: string | null;
  offer_conditions: string | null;
  rejection: string | null;
  withdrawal_reason: string | null;
  placement_school_id: number | null;
  submitted_at: string | null;
  updated_at: string;
  created_at: string;
}

export interface AuditEventTable {
  id: Generated<number>;
  actor_user_id: number | null;
  provider_id: number | null;
  application_id: number | null;
  action: string;
  from_state: string | null;
  to_state: string | null;
  detail: string | null;
  trainee_id: Generated<number | null>;
  created_at: string;
}

export interface OutboxTable {
  id: Generated<number>;
  to_email: string;
  template: string;
  subject: string;
  body: string;
  personalisation: string;
  /** pending | sent | failed */
  status: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  locked_until: string | null;
  last_error: string | null;
  sent_at: string | null;
  transport_id: string | null;
  created_at: string;
  /** JSON EmailAttachment[] (notifications/outbox.ts); null: none. */
  attachments: string | null;
}

/** A scheduled job shared by every process: when it is next due, and who holds it now. */
export interface JobRunTable {
  name: string;
  next_run_at: string;
  /** Set while a process runs the job; a process that dies lets it lapse. */
  lease_until: string | null;
  last_finished_at: string | null;
}

export interface MentorTable {
  id: Generated<number>;
  user_id: number;
  provider_id: number;
  school_id: number;
  name: string;
  /** general | lead */
  mentor_role: string;
  trained_on: string;
  is_sample: Generated<number>;
  created_at: string;
}

export interface TraineeTable {
  id: Generated<number>;
  application_id: number;
  provider_id: number;
  candidate_id: number;
  name: string;
  state: string;
  start_date: string;
  expected_end_date: string;
  /** full-time | part-time */
  study_mode: string;
  days_per_week: number;
  age_range: string;
  /** JSON: a list of subject names. */
  subjects: string;
  training_country: string;
  criteria_version: string;
  cohort: string;
  confirmed_halves: Generated<number>;
  counted_weeks: Generated<number>;
  state_detail: string | null;
  is_sample: Generated<number>;
  updated_at: string;
  created_at: string;
}

export interface PlacementTable {
  id: Generated<number>;
  trainee_id: number;
  school_id: number;
  mentor_id: number;
  start_date: string;
  end_date: string;
  /** The school's IANA time zone: its dates are local dates there. */
  time_zone: string;
  created_at: string;
}

export interface PlacementDayTable {
  id: Generated<number>;
  trainee_id: number;
  placement_id: number;
  date: string;
  halves: number;
  kind: string;
  note: string | null;
  status: string;
  query_reason: string | null;
  source: Generated<string>;
  updated_at: string;
  created_at: string;
}

export interface ObservationTable {
  id: Generated<number>;
  trainee_id: number;
  mentor_id: number;
  date: string;
  class_name: string;
  age_group: string;
  judgements: string;
  strengths: string;
  targets: string;
  created_at: string;
}

export interface ReflectionTable {
  id: Generated<number>;
  trainee_id: number;
  date: string;
  standards: string;
  text: string;
  created_at: string;
}

export interface ReviewTable {
  id: Generated<number>;
  trainee_id: number;
  kind: string;
  date: string;
  judgements: string;
  outcome: string;
  comments: string;
  author_user_id: number | null;
  created_at: string;
}

export interface CohortPolicyTable {
  provider_id: number;
  cohort: string;
  week_days: number | null;
  note: string;
  updated_at: string;
}

/** A provider's API token: only its SHA-256 is kept. */
export interface ApiTokenTable {
  id: Generated<number>;
  provider_id: number;
  name: string;
  token_hash: string;
  created_by_user_id: number | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  revoked_by_user_id: number | null;
}

export interface Database {
  sessions: SessionTable;
  content_feedback: ContentFeedbackTable;
  providers: ProviderTable;
  placement_schools: PlacementSchoolTable;
  partnerships: PartnershipTable;
  users: UserTable;
  provider_memberships: ProviderMembershipTable;
  sign_in_codes: SignInCodeTable;
  applications: ApplicationTable;
  audit_events: AuditEventTable;
  outbox: OutboxTable;
  job_runs: JobRunTable;
  mentors: MentorTable;
  trainees: TraineeTable;
  placements: PlacementTable;
  placement_days: PlacementDayTable;
  observations: ObservationTable;
  reflections: ReflectionTable;
  reviews: ReviewTable;
  cohort_policies: CohortPolicyTable;
  api_tokens: ApiTokenTable;
  teachers: TeacherTable;
  awards: AwardTable;
  check_rate_limits: CheckRateLimitTable;
}

export interface TeacherTable {
  id: Generated<number>;
  trn: string;
  email: string;
  date_of_birth: string;
  name: string;
  created_at: string;
}

export interface AwardTable {
  id: Generated<number>;
  trainee_id: number;
  teacher_id: number;
  trn: string;
  date_of_birth: string;
  name: string;
  outcome_date: string;
  route: string;
  training_country: string;
  provider_id: number;
  provider_name: string;
  age_range: string;
  /** JSON: the subjects. */
  subjects: string;
  verify_code: string;
  awarded_by: number | null;
  awarded_at: string;
  revoked_at: string | null;
  revoke_reason: string | null;
}

export interface CheckRateLimitTable {
  bucket: string;
  window_start: number;
  hits: number;
}
