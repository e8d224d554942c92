"""complaints, timeline, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-25 12:04:48.231564+00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    # Human references (HRC-2026-000123) number complaints from one sequence: no hot counter row.
    op.execute(sa.schema.CreateSequence(sa.Sequence("complaint_reference_seq")))
    op.create_table('audit_entries',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=True), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('actor_subject', sa.Text(), nullable=False),
    sa.Column('actor_role', sa.Text(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('object_type', sa.Text(), nullable=False),
    sa.Column('object_id', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), server_default='success', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    op.create_table('complaints',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('reference', sa.Text(), nullable=False),
    sa.Column('receipt_hash', sa.LargeBinary(), nullable=False),
    sa.Column('track', sa.Text(), nullable=False),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('rights_affected', postgresql.ARRAY(sa.Text()), nullable=False),
    sa.Column('discrimination_grounds', postgresql.ARRAY(sa.Text()), server_default='{}', nullable=False),
    sa.Column('respondent', sa.Text(), nullable=True),
    sa.Column('incident_from', sa.Date(), nullable=True),
    sa.Column('incident_to', sa.Date(), nullable=True),
    sa.Column('incident_location', sa.Text(), nullable=True),
    sa.Column('remedy_sought', sa.Text(), nullable=False),
    sa.Column('language', sa.Text(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('complainant_subject', sa.Text(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('acknowledge_by', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('feedback_by', sa.DateTime(timezone=True), nullable=False),
    sa.Column('feedback_given_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('acknowledged', 'closed', 'findings_issued', 'hearing', 'inadmissible', 'mediation', 'referred', 'remedy_follow_up', 'submitted', 'under_assessment', 'under_investigation', 'withdrawn')", name=op.f('ck_complaints_status')),
    sa.CheckConstraint("track IN ('anti_corruption', 'ombudsperson')", name=op.f('ck_complaints_track')),
    sa.CheckConstraint('incident_to IS NULL OR incident_from IS NULL OR incident_to >= incident_from', name=op.f('ck_complaints_incident_period')),
    sa.CheckConstraint('octet_length(receipt_hash) = 32', name=op.f('ck_complaints_receipt_hash_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints')),
    sa.UniqueConstraint('reference', name=op.f('uq_complaints_reference'))
    )
    op.create_index('ix_complaints_ack_pending', 'complaints', ['track', 'acknowledge_by'], unique=False, postgresql_where=sa.text('acknowledged_at IS NULL'))
    op.create_index('ix_complaints_complainant_subject', 'complaints', ['complainant_subject'], unique=False, postgresql_where=sa.text('complainant_subject IS NOT NULL'))
    op.create_index('ix_complaints_feedback_pending', 'complaints', ['track', 'feedback_by'], unique=False, postgresql_where=sa.text('feedback_given_at IS NULL'))
    op.create_index('ix_complaints_track_received', 'complaints', ['track', sa.literal_column('received_at DESC'), sa.literal_column('id DESC')], unique=False)
    op.create_table('complainant_characteristics',
    sa.Column('complaint_id', sa.UUID(), nullable=False),
    sa.Column('sex_gender', sa.Text(), nullable=True),
    sa.Column('age_band', sa.Text(), nullable=True),
    sa.Column('disability', sa.Text(), nullable=True),
    sa.Column('migration_status', sa.Text(), nullable=True),
    sa.Column('ethnicity', sa.Text(), nullable=True),
    sa.CheckConstraint("age_band IS NULL OR age_band IN ('18_24', '25_34', '35_44', '45_54', '55_64', '65_74', '75_plus', 'prefer_not_to_say', 'under_18')", name=op.f('ck_complainant_characteristics_age_band')),
    sa.CheckConstraint("disability IS NULL OR disability IN ('no', 'prefer_not_to_say', 'yes')", name=op.f('ck_complainant_characteristics_disability')),
    sa.CheckConstraint("ethnicity IS NULL OR ethnicity IN ('ethnic_minority', 'indigenous', 'not_minority', 'other', 'prefer_not_to_say')", name=op.f('ck_complainant_characteristics_ethnicity')),
    sa.CheckConstraint("migration_status IS NULL OR migration_status IN ('born_in_country', 'foreign_resident', 'naturalised_citizen', 'other', 'prefer_not_to_say', 'refugee_or_asylum_seeker')", name=op.f('ck_complainant_characteristics_migration_status')),
    sa.CheckConstraint("sex_gender IS NULL OR sex_gender IN ('man', 'non_binary', 'other', 'prefer_not_to_say', 'woman')", name=op.f('ck_complainant_characteristics_sex_gender')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complainant_characteristics_complaint_id_complaints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('complaint_id', name=op.f('pk_complainant_characteristics'))
    )
    op.create_table('complainant_contacts',
    sa.Column('complaint_id', sa.UUID(), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('postal_address', sa.Text(), nullable=True),
    sa.Column('preferred_channel', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complainant_contacts_complaint_id_complaints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('complaint_id', name=op.f('pk_complainant_contacts'))
    )
    op.create_table('timeline_entries',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=True), nullable=False),
    sa.Column('complaint_id', sa.UUID(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('actor_subject', sa.Text(), nullable=False),
    sa.Column('actor_role', sa.Text(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('from_status', sa.Text(), nullable=True),
    sa.Column('to_status', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('visible_to_complainant', sa.Boolean(), nullable=False),
    sa.CheckConstraint("action IN ('acknowledge', 'close', 'conclude_hearing', 'declare_inadmissible', 'end_mediation', 'file', 'give_feedback', 'issue_findings', 'open_investigation', 'recommend_remedies', 'refer', 'reopen', 'schedule_hearing', 'start_assessment', 'start_mediation', 'withdraw')", name=op.f('ck_timeline_entries_action')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_timeline_entries_complaint_id_complaints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timeline_entries'))
    )
    op.create_index('ix_timeline_entries_complaint', 'timeline_entries', ['complaint_id', 'id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_timeline_entries_complaint', table_name='timeline_entries')
    op.drop_table('timeline_entries')
    op.drop_table('complainant_contacts')
    op.drop_table('complainant_characteristics')
    op.drop_index('ix_complaints_track_received', table_name='complaints')
    op.drop_index('ix_complaints_feedback_pending', table_name='complaints', postgresql_where=sa.text('feedback_given_at IS NULL'))
    op.drop_index('ix_complaints_complainant_subject', table_name='complaints', postgresql_where=sa.text('complainant_subject IS NOT NULL'))
    op.drop_index('ix_complaints_ack_pending', table_name='complaints', postgresql_where=sa.text('acknowledged_at IS NULL'))
    op.drop_table('complaints')
    op.drop_table('audit_entries')
    op.execute(sa.schema.DropSequence(sa.Sequence("complaint_reference_seq")))
