import type { ColumnType, Generated } from 'kysely';

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
  /** Trainees the provider may take in one cohort: 200 unless the DfE permits more. */
  cohort_cap: Generated<number>;
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
  /** The school's position and 0.1° latitude strip, copied by the database (migration 0026) for the distance search. */
  school_lat: ColumnType<number, never, never>;
  school_lon: ColumnType<number, never, never>;
  school_strip: ColumnType<number, never, never>;
}

export interface UserTable {
  id: Generated<number>;
  email: string;
  name: string | null;
  /** candidate | provider | admin | mentor | adviser */
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
  /** The cohort an offer counts towards ("2026 to 2027"), set when the offer is made. */
  offer_cohort: string | null;
  submitted_at: string | null;
  updated_at: string;
  created_at: string;
  /** When the provider first decided (an offer or a rejection); null: not yet. */
  decided_at: string | null;
  /** Whole days from submission to that decision: kept so the national figures need no date arithmetic. */
  decision_days: number | null;
}

/** Submitted applications by provider (0: none), status and days to decision (−1: none): migration 0027. */
export interface ApplicationTallyTable {
  provider_id: number;
  status: string;
  decision_days: number;
  n: number;
}

export interface ApplicationMonthTallyTable {
  provider_id: number;
  /** YYYY-MM of submission. */
  month: string;
  n: number;
}

/** +1 / −1 for an application's new and old keys, appended by triggers until folded in. */
export interface ApplicationTallyChangeTable {
  id: Generated<number>;
  provider_id: number;
  status: string;
  decision_days: number;
  month: string;
  n: number;
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
  application_tallies: ApplicationTallyTable;
  application_month_tallies: ApplicationMonthTallyTable;
  application_tally_changes: ApplicationTallyChangeTable;
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
  deadlines: DeadlineTable;
  interviews: InterviewTable;
  interview_slots: InterviewSlotTable;
  adviser_availability: AdviserAvailabilityTable;
  adviser_days_off: AdviserDayOffTable;
  adviser_requests: AdviserRequestTable;
  adviser_callbacks: AdviserCallbackTable;
  adviser_notes: AdviserNoteTable;
}

/** An adviser's weekly hours, Europe/London wall-clock; weekday 1 = Monday … 7 = Sunday. */
export interface AdviserAvailabilityTable {
  id: Generated<number>;
  adviser_id: number;
  weekday: number;
  start_time: string;
  end_time: string;
  slot_minutes: number;
  created_at: string;
}

export interface AdviserDayOffTable {
  id: Generated<number>;
  adviser_id: number;
  date: string;
  created_at: string;
}

export interface AdviserRequestTable {
  id: Generated<number>;
  candidate_id: number;
  name: string;
  email: string;
  country: string;
  time_zone: string;
  /** E.164 */
  phone: string;
  stage: string;
  age_group: string;
  subject: string;
  degree_status: string;
  /** JSON list of topics */
  help_with: string;
  help_detail: string | null;
  contact_consent: number;
  share_consent: Generated<number>;
  /** JSON: eligibility answers shared with consent */
  eligibility: string | null;
  /** call | email */
  contact_by: Generated<string>;
  adviser_id: number | null;
  outcome: string | null;
  follow_up_on: string | null;
  first_contact_at: string | null;
  taken_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface AdviserCallbackTable {
  id: Generated<number>;
  request_id: number;
  adviser_id: number;
  starts_at: string;
  ends_at: string;
  /** booked | cancelled | moved | kept | missed */
  status: string;
  created_at: string;
  updated_at: string;
}

export interface AdviserNoteTable {
  id: Generated<number>;
  request_id: number;
  adviser_id: number;
  outcome: string;
  note: string;
  follow_up_on: string | null;
  created_at: string;
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

/** A deadline on an application (features/deadlines): open while closed_at is null. */
export interface DeadlineTable {
  id: Generated<number>;
  application_id: number;
  /** provider-decision | offer-response */
  kind: string;
  policy_version: string;
  /** The IANA zone whose 11:59pm on last_day is due_at. */
  zone: string;
  last_day: string;
  due_at: string;
  opened_at: string;
  reminders_sent: Generated<number>;
  /** When the next reminder is due; null: none left. */
  next_reminder_at: string | null;
  /** The scheduled job's claim on the row, until then. */
  lease_until: string | null;
  /** Which claim holds the row: only that claim may finish it. */
  lease_token: string | null;
  closed_at: string | null;
  /** decided | default */
  closed_by: string | null;
  /** When the service took the default step. */
  applied_at: string | null;
}

/** An interview being arranged or agreed; times are UTC ISO text. */
export interface InterviewTable {
  id: Generated<number>;
  application_id: number;
  provider_id: number;
  /** proposed | other-times-requested | agreed | cancelled */
  status: string;
  version: Generated<number>;
  /** The zone the provider typed the times in. */
  zone: string;
  duration_minutes: number;
  /** online | in-person */
  mode: string;
  location: string;
  notes: string | null;
  /** The agreed time; NULL until the candidate picks one. */
  starts_at: string | null;
  candidate_message: string | null;
  reason: string | null;
  cancelled_by: string | null;
  created_by_user_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface InterviewSlotTable {
  id: Generated<number>;
  interview_id: number;
  starts_at: string;
}
