-- The schema of ombuds 0.1, as PostgreSQL states it (pg_dump of the schema the 21 migrations of
-- the pre-release development built, taken with PostgreSQL 15). Migrations after it change it
-- step by step; the tables are described in app/*/models.py, which `alembic check` compares
-- with the database.


CREATE DOMAIN public.age_band_option AS text
	CONSTRAINT age_band_option_check CHECK ((VALUE = ANY (ARRAY['18_24'::text, '25_34'::text, '35_44'::text, '45_54'::text, '55_64'::text, '65_74'::text, '75_plus'::text, 'prefer_not_to_say'::text, 'under_18'::text])));

CREATE DOMAIN public.attachment_parent AS text
	CONSTRAINT attachment_parent_check CHECK ((VALUE = ANY (ARRAY['complaint'::text, 'message'::text, 'step'::text])));

CREATE DOMAIN public.complaint_origin AS text
	CONSTRAINT complaint_origin_check CHECK ((VALUE = ANY (ARRAY['complaint'::text, 'own_initiative'::text])));

CREATE DOMAIN public.complaint_status AS text
	CONSTRAINT complaint_status_check CHECK ((VALUE = ANY (ARRAY['acknowledged'::text, 'closed'::text, 'findings_issued'::text, 'hearing'::text, 'inadmissible'::text, 'mediation'::text, 'referred'::text, 'remedy_follow_up'::text, 'submitted'::text, 'under_assessment'::text, 'under_investigation'::text, 'withdrawn'::text])));

CREATE DOMAIN public.complaint_track AS text
	CONSTRAINT complaint_track_check CHECK ((VALUE = ANY (ARRAY['anti_corruption'::text, 'ombudsperson'::text])));

CREATE DOMAIN public.disability_option AS text
	CONSTRAINT disability_option_check CHECK ((VALUE = ANY (ARRAY['no'::text, 'prefer_not_to_say'::text, 'yes'::text])));

CREATE DOMAIN public.erasure_ground AS text
	CONSTRAINT erasure_ground_check CHECK ((VALUE = ANY (ARRAY['archiving_or_statistics'::text, 'legal_claims'::text, 'legal_obligation'::text, 'public_interest'::text])));

CREATE DOMAIN public.erasure_status AS text
	CONSTRAINT erasure_status_check CHECK ((VALUE = ANY (ARRAY['executed'::text, 'pending'::text, 'refused'::text])));

CREATE DOMAIN public.ethnicity_option AS text
	CONSTRAINT ethnicity_option_check CHECK ((VALUE = ANY (ARRAY['ethnic_minority'::text, 'indigenous'::text, 'not_minority'::text, 'other'::text, 'prefer_not_to_say'::text])));

CREATE DOMAIN public.finding_outcome AS text
	CONSTRAINT finding_outcome_check CHECK ((VALUE = ANY (ARRAY['no_violation'::text, 'not_substantiated'::text, 'partially_founded'::text, 'settled'::text, 'violation_found'::text])));

CREATE DOMAIN public.hearing_mode AS text
	CONSTRAINT hearing_mode_check CHECK ((VALUE = ANY (ARRAY['hybrid'::text, 'in_person'::text, 'online'::text])));

CREATE DOMAIN public.hearing_status AS text
	CONSTRAINT hearing_status_check CHECK ((VALUE = ANY (ARRAY['cancelled'::text, 'held'::text, 'scheduled'::text])));

CREATE DOMAIN public.measure_status AS text
	CONSTRAINT measure_status_check CHECK ((VALUE = ANY (ARRAY['granted'::text, 'refused'::text, 'requested'::text])));

CREATE DOMAIN public.mediation_result AS text
	CONSTRAINT mediation_result_check CHECK ((VALUE = ANY (ARRAY['failed'::text, 'settled'::text])));

CREATE DOMAIN public.message_kind AS text
	CONSTRAINT message_kind_check CHECK ((VALUE = ANY (ARRAY['from_complainant'::text, 'internal_note'::text, 'to_complainant'::text])));

CREATE DOMAIN public.migration_status_option AS text
	CONSTRAINT migration_status_option_check CHECK ((VALUE = ANY (ARRAY['born_in_country'::text, 'foreign_resident'::text, 'naturalised_citizen'::text, 'other'::text, 'prefer_not_to_say'::text, 'refugee_or_asylum_seeker'::text])));

CREATE DOMAIN public.outbox_status AS text
	CONSTRAINT outbox_status_check CHECK ((VALUE = ANY (ARRAY['dead'::text, 'delivered'::text, 'pending'::text])));

CREATE DOMAIN public.protection_measure AS text
	CONSTRAINT protection_measure_check CHECK ((VALUE = ANY (ARRAY['legal_aid'::text, 'psychosocial_support'::text, 'relocation_support'::text])));

CREATE DOMAIN public.record_kind AS text
	CONSTRAINT record_kind_check CHECK ((VALUE = ANY (ARRAY['meeting'::text, 'oral_report'::text])));

CREATE DOMAIN public.record_status AS text
	CONSTRAINT record_status_check CHECK ((VALUE = ANY (ARRAY['approved'::text, 'awaiting_reporter'::text, 'corrected'::text])));

CREATE DOMAIN public.recusal_kind AS text
	CONSTRAINT recusal_kind_check CHECK ((VALUE = ANY (ARRAY['declared'::text, 'excluded'::text])));

CREATE DOMAIN public.redactable_field AS text
	CONSTRAINT redactable_field_check CHECK ((VALUE = ANY (ARRAY['description'::text, 'incident_location'::text, 'remedy_sought'::text, 'summary'::text])));

CREATE DOMAIN public.remedy_assessment AS text
	CONSTRAINT remedy_assessment_check CHECK ((VALUE = ANY (ARRAY['implemented'::text, 'not_implemented'::text, 'partially_implemented'::text])));

CREATE DOMAIN public.remedy_form AS text
	CONSTRAINT remedy_form_check CHECK ((VALUE = ANY (ARRAY['compensation'::text, 'guarantee_of_non_repetition'::text, 'rehabilitation'::text, 'restitution'::text, 'satisfaction'::text])));

CREATE DOMAIN public.remedy_report_kind AS text
	CONSTRAINT remedy_report_kind_check CHECK ((VALUE = ANY (ARRAY['implemented'::text, 'progress'::text])));

CREATE DOMAIN public.remedy_response AS text
	CONSTRAINT remedy_response_check CHECK ((VALUE = ANY (ARRAY['accepted'::text, 'rejected'::text])));

CREATE DOMAIN public.reveal_status AS text
	CONSTRAINT reveal_status_check CHECK ((VALUE = ANY (ARRAY['approved'::text, 'pending'::text, 'refused'::text])));

CREATE DOMAIN public.sex_gender_option AS text
	CONSTRAINT sex_gender_option_check CHECK ((VALUE = ANY (ARRAY['man'::text, 'non_binary'::text, 'other'::text, 'prefer_not_to_say'::text, 'woman'::text])));

CREATE DOMAIN public.step_kind AS text
	CONSTRAINT step_kind_check CHECK ((VALUE = ANY (ARRAY['evidence'::text, 'information_request'::text, 'interview'::text, 'site_visit'::text])));

CREATE DOMAIN public.timeline_action AS text
	CONSTRAINT timeline_action_check CHECK ((VALUE = ANY (ARRAY['acknowledge'::text, 'assign'::text, 'close'::text, 'communicate_decision'::text, 'conclude_hearing'::text, 'declare_inadmissible'::text, 'end_mediation'::text, 'exclude'::text, 'file'::text, 'give_feedback'::text, 'hearing_cancelled'::text, 'hearing_held'::text, 'hearing_rescheduled'::text, 'hearing_scheduled'::text, 'issue_findings'::text, 'legal_hold_lifted'::text, 'legal_hold_set'::text, 'mediation_failed'::text, 'mediation_settled'::text, 'open_investigation'::text, 'recommend_remedies'::text, 'record_approved'::text, 'record_corrected'::text, 'record_shared'::text, 'recuse'::text, 'refer'::text, 'reopen'::text, 'schedule_hearing'::text, 'start_assessment'::text, 'start_mediation'::text, 'unassign'::text, 'withdraw'::text])));

CREATE FUNCTION public.audit_entries_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND OLD.seq IS NULL AND OLD.hash IS NULL
     AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
     AND (NEW.id, NEW.at, NEW.actor_subject, NEW.actor_role, NEW.action, NEW.object_type,
          NEW.object_id, NEW.outcome)
         IS NOT DISTINCT FROM
         (OLD.id, OLD.at, OLD.actor_subject, OLD.actor_role, OLD.action, OLD.object_type,
          OLD.object_id, OLD.outcome)
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE FUNCTION public.stat_add(a integer[], b integer[]) RETURNS integer[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a ELSE
    (SELECT array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i)
     FROM unnest(a, b) WITH ORDINALITY AS t(x, y, i)) END
$$;

CREATE FUNCTION public.stat_bucket(days integer) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT CASE WHEN days IS NULL THEN NULL
              WHEN days <= 30 THEN greatest(days, 0) + 1
              WHEN days <= 365 THEN 32 + (days - 31) / 7
              WHEN days <= 725 THEN 80 + (days - 366) / 30
              ELSE 92 END
$$;

CREATE FUNCTION public.stat_hist_step(state integer[], bucket integer, n bigint) RETURNS integer[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
BEGIN
  IF state IS NULL THEN
    state := array_fill(0, ARRAY[92]);
  END IF;
  IF bucket IS NOT NULL THEN
    state[bucket] := state[bucket] + n;
  END IF;
  RETURN state;
END
$$;

CREATE FUNCTION public.stat_keys(status text, origin text, rights text[], grounds text[], department text, outcome text, sex_gender text, age_band text, disability text, migration_status text, ethnicity text, finished_month date) RETURNS TABLE(dim_a text, val_a text, dim_b text, val_b text)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  WITH d(dim, val) AS (
    SELECT 'status', status
    UNION ALL SELECT 'right', r FROM unnest(
      CASE WHEN cardinality(rights) = 0 THEN ARRAY['none'] ELSE rights END) AS r
    UNION ALL SELECT 'ground', g FROM unnest(
      CASE WHEN cardinality(grounds) = 0 THEN ARRAY['none'] ELSE grounds END) AS g
    UNION ALL SELECT 'department', department
    UNION ALL SELECT 'outcome', outcome
    UNION ALL SELECT 'sex_gender', sex_gender
    UNION ALL SELECT 'age_band', age_band
    UNION ALL SELECT 'disability', disability
    UNION ALL SELECT 'migration_status', migration_status
    UNION ALL SELECT 'ethnicity', ethnicity
  )
  SELECT '', '', '', ''
  UNION ALL SELECT 'origin', origin, '', ''
  UNION ALL SELECT 'finished_month', to_char(finished_month, 'YYYY-MM'), '', ''
    WHERE finished_month IS NOT NULL
  UNION ALL SELECT d.dim, d.val, '', '' FROM d
  UNION ALL SELECT a.dim, a.val, b.dim, b.val FROM d AS a JOIN d AS b ON a.dim < b.dim
$$;

CREATE AGGREGATE public.stat_hist(integer, bigint) (
    SFUNC = public.stat_hist_step,
    STYPE = integer[]
);

CREATE AGGREGATE public.stat_sum(integer[]) (
    SFUNC = public.stat_add,
    STYPE = integer[]
);

CREATE TABLE public.attachments (
    id uuid NOT NULL,
    complaint_id uuid NOT NULL,
    parent public.attachment_parent NOT NULL,
    parent_id bigint,
    filename text NOT NULL,
    content_type text NOT NULL,
    size_bytes bigint NOT NULL,
    sha256 bytea NOT NULL,
    visible_to_complainant boolean NOT NULL,
    uploaded_by text NOT NULL,
    uploaded_role text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_attachments_parent_id_iff_child CHECK ((((parent)::text = 'complaint'::text) = (parent_id IS NULL))),
    CONSTRAINT ck_attachments_sha256_length CHECK ((octet_length(sha256) = 32))
);

CREATE TABLE public.audit_entries (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    actor_subject text NOT NULL,
    actor_role text NOT NULL,
    action text NOT NULL,
    object_type text NOT NULL,
    object_id text NOT NULL,
    outcome text DEFAULT 'success'::text NOT NULL,
    seq bigint,
    hash bytea
);

ALTER TABLE public.audit_entries ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.audit_entries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.complainant_characteristics (
    complaint_id uuid NOT NULL,
    sex_gender public.sex_gender_option,
    age_band public.age_band_option,
    disability public.disability_option,
    migration_status public.migration_status_option,
    ethnicity public.ethnicity_option
);

CREATE TABLE public.complainant_contacts (
    complaint_id uuid NOT NULL,
    key_id text NOT NULL,
    sealed bytea NOT NULL
);

CREATE SEQUENCE public.complaint_reference_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE public.complaints (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    reference text NOT NULL,
    receipt_hash bytea,
    track public.complaint_track NOT NULL,
    status public.complaint_status NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    summary text NOT NULL,
    description text NOT NULL,
    rights_affected text[] NOT NULL,
    discrimination_grounds text[] DEFAULT '{}'::text[] NOT NULL,
    respondent text,
    incident_from date,
    incident_to date,
    incident_location text,
    remedy_sought text NOT NULL,
    language text NOT NULL,
    anonymous boolean NOT NULL,
    complainant_subject text,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    acknowledge_by timestamp with time zone NOT NULL,
    acknowledged_at timestamp with time zone,
    feedback_by timestamp with time zone NOT NULL,
    feedback_given_at timestamp with time zone,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    handler_subject text,
    origin public.complaint_origin DEFAULT 'complaint'::text NOT NULL,
    decide_by timestamp with time zone,
    decided_at timestamp with time zone,
    referred_to text,
    retaliation_against uuid,
    priority boolean DEFAULT false NOT NULL,
    department text,
    investigated_at timestamp with time zone,
    finished_at timestamp with time zone,
    retention_until timestamp with time zone,
    legal_hold_reason text,
    legal_hold_by text,
    legal_hold_at timestamp with time zone,
    CONSTRAINT ck_complaints_incident_period CHECK (((incident_to IS NULL) OR (incident_from IS NULL) OR (incident_to >= incident_from))),
    CONSTRAINT ck_complaints_receipt_hash_length CHECK ((octet_length(receipt_hash) = 32)),
    CONSTRAINT ck_complaints_receipt_iff_complaint CHECK ((((origin)::text = 'complaint'::text) = (receipt_hash IS NOT NULL)))
);

CREATE TABLE public.erasure_requests (
    id bigint NOT NULL,
    complaint_id uuid NOT NULL,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    due_at timestamp with time zone NOT NULL,
    channel text NOT NULL,
    recorded_by text NOT NULL,
    status public.erasure_status NOT NULL,
    ground public.erasure_ground,
    decision_reason text,
    decided_by text,
    decided_at timestamp with time zone,
    CONSTRAINT ck_erasure_requests_refusal_names_its_ground CHECK ((((status)::text <> 'refused'::text) OR (ground IS NOT NULL)))
);

ALTER TABLE public.erasure_requests ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.erasure_requests_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.findings (
    complaint_id uuid NOT NULL,
    outcome public.finding_outcome NOT NULL,
    rights_affected text[] NOT NULL,
    public_summary text NOT NULL,
    internal_reasoning text NOT NULL,
    drafted_by text NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    issued_at timestamp with time zone,
    communicated_at timestamp with time zone,
    communicated_by text
);

CREATE TABLE public.hearings (
    id bigint NOT NULL,
    complaint_id uuid NOT NULL,
    scheduled_at timestamp with time zone NOT NULL,
    mode public.hearing_mode NOT NULL,
    location text,
    online_url text,
    participants jsonb NOT NULL,
    status public.hearing_status NOT NULL,
    minutes text,
    outcome text,
    created_by text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_hearings_held_has_minutes CHECK ((((status)::text <> 'held'::text) OR (minutes IS NOT NULL))),
    CONSTRAINT ck_hearings_location_unless_online CHECK ((((mode)::text = 'online'::text) OR (location IS NOT NULL))),
    CONSTRAINT ck_hearings_url_unless_in_person CHECK ((((mode)::text = 'in_person'::text) OR (online_url IS NOT NULL)))
);

ALTER TABLE public.hearings ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.hearings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.identity_disclosures (
    id bigint NOT NULL,
    request_id bigint NOT NULL,
    seen_by text NOT NULL,
    seen_role text NOT NULL,
    seen_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE public.identity_disclosures ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.identity_disclosures_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.identity_reveal_requests (
    id bigint NOT NULL,
    complaint_id uuid NOT NULL,
    requested_by text NOT NULL,
    motivation text NOT NULL,
    legal_basis text NOT NULL,
    status public.reveal_status NOT NULL,
    decided_by text,
    decided_at timestamp with time zone,
    decision_reason text,
    notified_at timestamp with time zone,
    no_notice_reason text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_identity_reveal_requests_approved_after_notice_or_re_c454 CHECK ((((status)::text <> 'approved'::text) OR (notified_at IS NOT NULL) OR (no_notice_reason IS NOT NULL)))
);

ALTER TABLE public.identity_reveal_requests ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.identity_reveal_requests_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.investigation_steps (
    id bigint NOT NULL,
    complaint_id uuid NOT NULL,
    kind public.step_kind NOT NULL,
    summary text NOT NULL,
    details text,
    occurred_on date,
    department text,
    due_at timestamp with time zone,
    answer text,
    answered_at timestamp with time zone,
    answered_by text,
    created_by text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_investigation_steps_answer_complete CHECK ((((answer IS NULL) = (answered_at IS NULL)) AND ((answer IS NULL) = (answered_by IS NULL)))),
    CONSTRAINT ck_investigation_steps_information_request_addressed CHECK ((((kind)::text <> 'information_request'::text) OR ((department IS NOT NULL) AND (due_at IS NOT NULL))))
);

ALTER TABLE public.investigation_steps ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.investigation_steps_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.investigations (
    complaint_id uuid NOT NULL,
    plan text NOT NULL,
    opened_by text NOT NULL,
    opened_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.mediation_attempts (
    id bigint NOT NULL,
    complaint_id uuid NOT NULL,
    result public.mediation_result NOT NULL,
    terms text,
    notes text,
    mediator text,
    recorded_by text NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT ck_mediation_attempts_settlement_has_terms CHECK ((((result)::text <> 'settled'::text) OR (terms IS NOT NULL)))
);

ALTER TABLE public.mediation_attempts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.mediation_attempts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.messages (
    id bigint NOT NULL,
    complaint_id uuid NOT NULL,
    kind public.message_kind NOT NULL,
    body text NOT NULL,
    author_subject text NOT NULL,
    author_role text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE public.messages ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.messages_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.named_persons (
    complaint_id uuid NOT NULL,
    key_id text NOT NULL,
    sealed bytea NOT NULL
);

CREATE TABLE public.outbox_events (
    id bigint NOT NULL,
    type text NOT NULL,
    payload jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    complaint_id uuid,
    status public.outbox_status DEFAULT 'pending'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    last_error text,
    delivered_at timestamp with time zone
);

ALTER TABLE public.outbox_events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.outbox_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.privacy_budgets (
    period text NOT NULL,
    spent double precision DEFAULT '0'::double precision NOT NULL,
    releases integer DEFAULT 0 NOT NULL,
    CONSTRAINT ck_privacy_budgets_spent_not_negative CHECK ((spent >= (0)::double precision))
);

CREATE TABLE public.protection_measures (
    id bigint NOT NULL,
    complaint_id uuid NOT NULL,
    measure public.protection_measure NOT NULL,
    status public.measure_status NOT NULL,
    note text,
    decided_by text,
    decided_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE public.protection_measures ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.protection_measures_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.recusals (
    complaint_id uuid NOT NULL,
    subject text NOT NULL,
    kind public.recusal_kind NOT NULL,
    reason text NOT NULL,
    recorded_by text NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE public.redactions (
    id bigint NOT NULL,
    complaint_id uuid NOT NULL,
    field public.redactable_field NOT NULL,
    occurrences integer NOT NULL,
    reason text NOT NULL,
    redacted_by text NOT NULL,
    redacted_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE public.redactions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.redactions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.remedies (
    id bigint NOT NULL,
    complaint_id uuid NOT NULL,
    form public.remedy_form NOT NULL,
    department text NOT NULL,
    description text NOT NULL,
    response_due_at timestamp with time zone NOT NULL,
    implementation_due_at timestamp with time zone,
    response public.remedy_response,
    response_reasons text,
    responded_at timestamp with time zone,
    responded_by text,
    assessment public.remedy_assessment,
    assessment_note text,
    assessed_at timestamp with time zone,
    assessed_by text,
    created_by text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_remedies_rejection_reasoned CHECK ((((response)::text IS DISTINCT FROM 'rejected'::text) OR (response_reasons IS NOT NULL)))
);

ALTER TABLE public.remedies ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.remedies_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.remedy_reports (
    id bigint NOT NULL,
    remedy_id bigint NOT NULL,
    kind public.remedy_report_kind NOT NULL,
    text text NOT NULL,
    evidence text,
    reported_by text NOT NULL,
    reported_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE public.remedy_reports ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.remedy_reports_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.report_records (
    id bigint NOT NULL,
    complaint_id uuid NOT NULL,
    kind public.record_kind NOT NULL,
    held_at timestamp with time zone NOT NULL,
    transcript text NOT NULL,
    status public.record_status NOT NULL,
    reporter_comment text,
    responded_at timestamp with time zone,
    recorded_by text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ck_report_records_correction_has_comment CHECK ((((status)::text <> 'corrected'::text) OR (reporter_comment IS NOT NULL)))
);

ALTER TABLE public.report_records ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.report_records_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.stat_cells (
    dim_a text NOT NULL,
    dim_b text NOT NULL,
    month date NOT NULL,
    track text NOT NULL,
    val_a text NOT NULL,
    val_b text NOT NULL,
    n bigint DEFAULT '0'::bigint NOT NULL,
    own_initiative bigint DEFAULT '0'::bigint NOT NULL,
    outside_mandate bigint DEFAULT '0'::bigint NOT NULL,
    investigated bigint DEFAULT '0'::bigint NOT NULL,
    finished bigint DEFAULT '0'::bigint NOT NULL,
    ack_settled bigint DEFAULT '0'::bigint NOT NULL,
    ack_on_time bigint DEFAULT '0'::bigint NOT NULL,
    feedback_settled bigint DEFAULT '0'::bigint NOT NULL,
    feedback_on_time bigint DEFAULT '0'::bigint NOT NULL,
    decided bigint DEFAULT '0'::bigint NOT NULL,
    decided_on_time bigint DEFAULT '0'::bigint NOT NULL,
    remedies_recommended bigint DEFAULT '0'::bigint NOT NULL,
    remedies_responded bigint DEFAULT '0'::bigint NOT NULL,
    remedies_complied bigint DEFAULT '0'::bigint NOT NULL,
    ack_hist integer[],
    findings_hist integer[],
    finish_hist integer[]
);

CREATE TABLE public.stat_facts (
    complaint_id uuid NOT NULL,
    month date NOT NULL,
    track text NOT NULL,
    origin text NOT NULL,
    status text NOT NULL,
    rights text[] NOT NULL,
    grounds text[] NOT NULL,
    department text NOT NULL,
    outcome text NOT NULL,
    sex_gender text NOT NULL,
    age_band text NOT NULL,
    disability text NOT NULL,
    migration_status text NOT NULL,
    ethnicity text NOT NULL,
    finished_month date,
    outside_mandate integer DEFAULT 0 NOT NULL,
    investigated integer DEFAULT 0 NOT NULL,
    finished integer DEFAULT 0 NOT NULL,
    ack_settled integer DEFAULT 0 NOT NULL,
    ack_on_time integer DEFAULT 0 NOT NULL,
    feedback_settled integer DEFAULT 0 NOT NULL,
    feedback_on_time integer DEFAULT 0 NOT NULL,
    decided integer DEFAULT 0 NOT NULL,
    decided_on_time integer DEFAULT 0 NOT NULL,
    remedies_recommended integer DEFAULT 0 NOT NULL,
    remedies_responded integer DEFAULT 0 NOT NULL,
    remedies_complied integer DEFAULT 0 NOT NULL,
    days_to_ack integer,
    days_to_findings integer,
    days_to_finish integer
);

CREATE TABLE public.stat_hist_rollups (
    dim text NOT NULL,
    unit text NOT NULL,
    period date NOT NULL,
    track text NOT NULL,
    val text NOT NULL,
    ack_hist integer[],
    findings_hist integer[],
    finish_hist integer[]
);

CREATE TABLE public.timeline_entries (
    id bigint NOT NULL,
    complaint_id uuid NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    actor_subject text NOT NULL,
    actor_role text NOT NULL,
    action public.timeline_action NOT NULL,
    from_status public.complaint_status,
    to_status public.complaint_status NOT NULL,
    reason text,
    visible_to_complainant boolean NOT NULL,
    about_subject text
);

ALTER TABLE public.timeline_entries ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.timeline_entries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT pk_attachments PRIMARY KEY (id);

ALTER TABLE ONLY public.audit_entries
    ADD CONSTRAINT pk_audit_entries PRIMARY KEY (id);

ALTER TABLE ONLY public.complainant_characteristics
    ADD CONSTRAINT pk_complainant_characteristics PRIMARY KEY (complaint_id);

ALTER TABLE ONLY public.complainant_contacts
    ADD CONSTRAINT pk_complainant_contacts PRIMARY KEY (complaint_id);

ALTER TABLE ONLY public.complaints
    ADD CONSTRAINT pk_complaints PRIMARY KEY (id);

ALTER TABLE ONLY public.erasure_requests
    ADD CONSTRAINT pk_erasure_requests PRIMARY KEY (id);

ALTER TABLE ONLY public.findings
    ADD CONSTRAINT pk_findings PRIMARY KEY (complaint_id);

ALTER TABLE ONLY public.hearings
    ADD CONSTRAINT pk_hearings PRIMARY KEY (id);

ALTER TABLE ONLY public.identity_disclosures
    ADD CONSTRAINT pk_identity_disclosures PRIMARY KEY (id);

ALTER TABLE ONLY public.identity_reveal_requests
    ADD CONSTRAINT pk_identity_reveal_requests PRIMARY KEY (id);

ALTER TABLE ONLY public.investigation_steps
    ADD CONSTRAINT pk_investigation_steps PRIMARY KEY (id);

ALTER TABLE ONLY public.investigations
    ADD CONSTRAINT pk_investigations PRIMARY KEY (complaint_id);

ALTER TABLE ONLY public.mediation_attempts
    ADD CONSTRAINT pk_mediation_attempts PRIMARY KEY (id);

ALTER TABLE ONLY public.messages
    ADD CONSTRAINT pk_messages PRIMARY KEY (id);

ALTER TABLE ONLY public.named_persons
    ADD CONSTRAINT pk_named_persons PRIMARY KEY (complaint_id);

ALTER TABLE ONLY public.outbox_events
    ADD CONSTRAINT pk_outbox_events PRIMARY KEY (id);

ALTER TABLE ONLY public.privacy_budgets
    ADD CONSTRAINT pk_privacy_budgets PRIMARY KEY (period);

ALTER TABLE ONLY public.protection_measures
    ADD CONSTRAINT pk_protection_measures PRIMARY KEY (id);

ALTER TABLE ONLY public.recusals
    ADD CONSTRAINT pk_recusals PRIMARY KEY (complaint_id, subject);

ALTER TABLE ONLY public.redactions
    ADD CONSTRAINT pk_redactions PRIMARY KEY (id);

ALTER TABLE ONLY public.remedies
    ADD CONSTRAINT pk_remedies PRIMARY KEY (id);

ALTER TABLE ONLY public.remedy_reports
    ADD CONSTRAINT pk_remedy_reports PRIMARY KEY (id);

ALTER TABLE ONLY public.report_records
    ADD CONSTRAINT pk_report_records PRIMARY KEY (id);

ALTER TABLE ONLY public.stat_cells
    ADD CONSTRAINT pk_stat_cells PRIMARY KEY (dim_a, dim_b, month, track, val_a, val_b);

ALTER TABLE ONLY public.stat_facts
    ADD CONSTRAINT pk_stat_facts PRIMARY KEY (complaint_id);

ALTER TABLE ONLY public.stat_hist_rollups
    ADD CONSTRAINT pk_stat_hist_rollups PRIMARY KEY (dim, unit, period, track, val);

ALTER TABLE ONLY public.timeline_entries
    ADD CONSTRAINT pk_timeline_entries PRIMARY KEY (id);

ALTER TABLE ONLY public.complaints
    ADD CONSTRAINT uq_complaints_reference UNIQUE (reference);

CREATE INDEX ix_attachments_complaint ON public.attachments USING btree (complaint_id, created_at);

CREATE INDEX ix_audit_entries_unsealed ON public.audit_entries USING btree (id) WHERE (seq IS NULL);

CREATE INDEX ix_complaints_ack_pending ON public.complaints USING btree (track, acknowledge_by) WHERE (acknowledged_at IS NULL);

CREATE INDEX ix_complaints_complainant_subject ON public.complaints USING btree (complainant_subject) WHERE (complainant_subject IS NOT NULL);

CREATE INDEX ix_complaints_decision_pending ON public.complaints USING btree (track, decide_by) WHERE ((decided_at IS NULL) AND (decide_by IS NOT NULL));

CREATE INDEX ix_complaints_feedback_pending ON public.complaints USING btree (track, feedback_by) WHERE (feedback_given_at IS NULL);

CREATE INDEX ix_complaints_handler ON public.complaints USING btree (handler_subject, received_at DESC, id DESC) WHERE (handler_subject IS NOT NULL);

CREATE INDEX ix_complaints_retention ON public.complaints USING btree (retention_until) WHERE ((retention_until IS NOT NULL) AND (legal_hold_at IS NULL));

CREATE INDEX ix_complaints_track_received ON public.complaints USING btree (track, received_at DESC, id DESC);

CREATE INDEX ix_erasure_requests_complaint ON public.erasure_requests USING btree (complaint_id, id);

CREATE INDEX ix_erasure_requests_pending_due ON public.erasure_requests USING btree (due_at) WHERE ((status)::text = 'pending'::text);

CREATE INDEX ix_hearings_complaint ON public.hearings USING btree (complaint_id, id);

CREATE INDEX ix_identity_disclosures_request ON public.identity_disclosures USING btree (request_id, id);

CREATE INDEX ix_identity_reveal_requests_complaint ON public.identity_reveal_requests USING btree (complaint_id, id);

CREATE INDEX ix_investigation_steps_complaint ON public.investigation_steps USING btree (complaint_id, id);

CREATE INDEX ix_investigation_steps_open_requests ON public.investigation_steps USING btree (department, due_at) WHERE (((kind)::text = 'information_request'::text) AND (answered_at IS NULL));

CREATE INDEX ix_investigation_steps_requests_due ON public.investigation_steps USING btree (due_at) WHERE (((kind)::text = 'information_request'::text) AND (answered_at IS NULL));

CREATE INDEX ix_mediation_attempts_complaint ON public.mediation_attempts USING btree (complaint_id, id);

CREATE INDEX ix_messages_complaint ON public.messages USING btree (complaint_id, id);

CREATE INDEX ix_outbox_events_due ON public.outbox_events USING btree (next_attempt_at, id) WHERE ((status)::text = 'pending'::text);

CREATE INDEX ix_outbox_events_unfolded ON public.outbox_events USING btree (complaint_id) WHERE (complaint_id IS NOT NULL);

CREATE INDEX ix_protection_measures_complaint ON public.protection_measures USING btree (complaint_id, id);

CREATE INDEX ix_redactions_complaint ON public.redactions USING btree (complaint_id, id);

CREATE INDEX ix_remedies_awaiting_response ON public.remedies USING btree (department, response_due_at) WHERE (response IS NULL);

CREATE INDEX ix_remedies_complaint ON public.remedies USING btree (complaint_id, id);

CREATE INDEX ix_remedies_implementation_due ON public.remedies USING btree (implementation_due_at) WHERE ((assessment IS NULL) AND (implementation_due_at IS NOT NULL));

CREATE INDEX ix_remedies_response_due ON public.remedies USING btree (response_due_at) WHERE (response IS NULL);

CREATE INDEX ix_remedy_reports_remedy ON public.remedy_reports USING btree (remedy_id, id);

CREATE INDEX ix_report_records_complaint ON public.report_records USING btree (complaint_id, id);

CREATE INDEX ix_timeline_entries_complaint ON public.timeline_entries USING btree (complaint_id, id);

CREATE UNIQUE INDEX uq_audit_entries_seq ON public.audit_entries USING btree (seq) WHERE (seq IS NOT NULL);

CREATE TRIGGER audit_entries_append_only BEFORE DELETE OR UPDATE ON public.audit_entries FOR EACH ROW EXECUTE FUNCTION public.audit_entries_append_only();

CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON public.audit_entries FOR EACH STATEMENT EXECUTE FUNCTION public.audit_entries_append_only();

ALTER TABLE ONLY public.attachments
    ADD CONSTRAINT fk_attachments_complaint_id_complaints FOREIGN KEY (complaint_id) REFERENCES public.complaints(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.complainant_characteristics
    ADD CONSTRAINT fk_complainant_characteristics_complaint_id_complaints FOREIGN KEY (complaint_id) REFERENCES public.complaints(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.complainant_contacts
    ADD CONSTRAINT fk_complainant_contacts_complaint_id_complaints FOREIGN KEY (complaint_id) REFERENCES public.complaints(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.complaints
    ADD CONSTRAINT fk_complaints_retaliation_against_complaints FOREIGN KEY (retaliation_against) REFERENCES public.complaints(id) ON DELETE SET NULL;

ALTER TABLE ONLY public.erasure_requests
    ADD CONSTRAINT fk_erasure_requests_complaint_id_complaints FOREIGN KEY (complaint_id) REFERENCES public.complaints(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.findings
    ADD CONSTRAINT fk_findings_complaint_id_complaints FOREIGN KEY (complaint_id) REFERENCES public.complaints(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.hearings
    ADD CONSTRAINT fk_hearings_complaint_id_complaints FOREIGN KEY (complaint_id) REFERENCES public.complaints(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.identity_disclosures
    ADD CONSTRAINT fk_identity_disclosures_request_id_identity_reveal_requests FOREIGN KEY (request_id) REFERENCES public.identity_reveal_requests(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.identity_reveal_requests
    ADD CONSTRAINT fk_identity_reveal_requests_complaint_id_complaints FOREIGN KEY (complaint_id) REFERENCES public.complaints(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.investigation_steps
    ADD CONSTRAINT fk_investigation_steps_complaint_id_investigations FOREIGN KEY (complaint_id) REFERENCES public.investigations(complaint_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.investigations
    ADD CONSTRAINT fk_investigations_complaint_id_complaints FOREIGN KEY (complaint_id) REFERENCES public.complaints(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.mediation_attempts
    ADD CONSTRAINT fk_mediation_attempts_complaint_id_complaints FOREIGN KEY (complaint_id) REFERENCES public.complaints(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.messages
    ADD CONSTRAINT fk_messages_complaint_id_complaints FOREIGN KEY (complaint_id) REFERENCES public.complaints(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.named_persons
    ADD CONSTRAINT fk_named_persons_complaint_id_complaints FOREIGN KEY (complaint_id) REFERENCES public.complaints(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.protection_measures
    ADD CONSTRAINT fk_protection_measures_complaint_id_complaints FOREIGN KEY (complaint_id) REFERENCES public.complaints(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.recusals
    ADD CONSTRAINT fk_recusals_complaint_id_complaints FOREIGN KEY (complaint_id) REFERENCES public.complaints(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.redactions
    ADD CONSTRAINT fk_redactions_complaint_id_complaints FOREIGN KEY (complaint_id) REFERENCES public.complaints(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.remedies
    ADD CONSTRAINT fk_remedies_complaint_id_complaints FOREIGN KEY (complaint_id) REFERENCES public.complaints(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.remedy_reports
    ADD CONSTRAINT fk_remedy_reports_remedy_id_remedies FOREIGN KEY (remedy_id) REFERENCES public.remedies(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.report_records
    ADD CONSTRAINT fk_report_records_complaint_id_complaints FOREIGN KEY (complaint_id) REFERENCES public.complaints(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.timeline_entries
    ADD CONSTRAINT fk_timeline_entries_complaint_id_complaints FOREIGN KEY (complaint_id) REFERENCES public.complaints(id) ON DELETE CASCADE;

