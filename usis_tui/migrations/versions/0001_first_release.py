"""The schema of the first release (git 169ba12): catalogue, people, cart and enrolments,
messages and audit trail, petitions.

Each table is created only when missing, so a database made by ``create_all`` before migrations
existed (no alembic_version) is brought under alembic without touching a row.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from usis_tui.migrations.helpers import dialect, has_table

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = (
    "academic_year", "audit_entry", "programme", "staff_user", "course", "student",
    "class_section", "exam_result", "hold", "message", "minor", "petition", "cart_item",
    "enrolment", "meeting", "minor_application", "permission_number", "petition_document",
    "petition_event",
)


def upgrade() -> None:
    if not has_table('academic_year'):
        op.create_table('academic_year',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('code', sa.String(length=9), nullable=False),
            sa.Column('starts_on', sa.Date(), nullable=False),
            sa.Column('ends_on', sa.Date(), nullable=False),
            sa.Column('max_ec', sa.Integer(), nullable=True),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_academic_year')),
            sa.UniqueConstraint('code', name=op.f('uq_academic_year_code'))
        )
    if not has_table('audit_entry'):
        op.create_table('audit_entry',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('at', sa.DateTime(), nullable=False),
            sa.Column('actor', sa.String(length=40), nullable=False),
            sa.Column('acting_for', sa.String(length=40), nullable=True),
            sa.Column('action', sa.String(length=40), nullable=False),
            sa.Column('detail', sa.Text(), nullable=False),
            sa.Column('outcome', sa.String(length=20), nullable=False),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
        )
        op.create_index('ix_audit_actor_at', 'audit_entry', ['acting_for', 'at'], unique=False)
    if not has_table('programme'):
        op.create_table('programme',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('code', sa.String(length=20), nullable=False),
            sa.Column('name', sa.String(length=120), nullable=False),
            sa.Column('degree', sa.String(length=10), nullable=False),
            sa.CheckConstraint("degree IN ('bachelor', 'master')", name=op.f('ck_programme_degree')),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_programme')),
            sa.UniqueConstraint('code', name=op.f('uq_programme_code')),
            sa.UniqueConstraint('name', name=op.f('uq_programme_name'))
        )
    if not has_table('staff_user'):
        op.create_table('staff_user',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('username', sa.String(length=40), nullable=False),
            sa.Column('name', sa.String(length=120), nullable=False),
            sa.Column('role', sa.String(length=10), nullable=False),
            sa.Column('password_hash', sa.String(length=300), nullable=False),
            sa.Column('failed_logins', sa.Integer(), nullable=False),
            sa.Column('locked_until', sa.DateTime(), nullable=True),
            sa.CheckConstraint("role IN ('support', 'board', 'trainer')", name=op.f('ck_staff_user_role')),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_user')),
            sa.UniqueConstraint('username', name=op.f('uq_staff_user_username'))
        )
    if not has_table('course'):
        op.create_table('course',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('catalogue_number', sa.String(length=12), nullable=False),
            sa.Column('title', sa.String(length=200), nullable=False),
            sa.Column('ec', sa.Float(), nullable=False),
            sa.Column('level', sa.Integer(), nullable=False),
            sa.Column('honours', sa.Boolean(), nullable=False),
            sa.Column('programme_id', sa.Integer(), nullable=True),
            sa.Column('brightspace_id', sa.String(length=20), nullable=True),
            sa.Column('brightspace_url', sa.String(length=200), nullable=True),
            sa.Column('description', sa.Text(), nullable=True),
            sa.CheckConstraint('ec >= 0', name=op.f('ck_course_ec')),
            sa.CheckConstraint('level IN (100, 200, 300, 400, 500, 600)', name=op.f('ck_course_level')),
            sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_course_programme_id_programme')),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_course')),
            sa.UniqueConstraint('catalogue_number', name=op.f('uq_course_catalogue_number'))
        )
        op.create_index(op.f('ix_course_programme_id'), 'course', ['programme_id'], unique=False)
        # Prefix searches on catalogue numbers seek these (see shared/TRAPS.md).
        if dialect() == "sqlite":
            op.create_index("ix_course_catalogue_number_nocase", "course",
                            [sa.text('catalogue_number COLLATE "NOCASE"')])
        elif dialect() == "postgresql":
            op.create_index("ix_course_catalogue_number_c", "course",
                            [sa.text('catalogue_number COLLATE "C"')])
    if not has_table('student'):
        op.create_table('student',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('student_number', sa.String(length=8), nullable=False),
            sa.Column('name', sa.String(length=120), nullable=False),
            sa.Column('email', sa.String(length=200), nullable=True),
            sa.Column('programme_id', sa.Integer(), nullable=False),
            sa.Column('degree', sa.String(length=10), nullable=False),
            sa.Column('password_hash', sa.String(length=300), nullable=False),
            sa.Column('failed_logins', sa.Integer(), nullable=False),
            sa.Column('locked_until', sa.DateTime(), nullable=True),
            sa.CheckConstraint("degree IN ('bachelor', 'master')", name=op.f('ck_student_degree')),
            sa.CheckConstraint("length(student_number) = 8 AND substr(student_number, 1, 1) = 's'", name=op.f('ck_student_student_number')),
            sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_student_programme_id_programme')),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_student')),
            sa.UniqueConstraint('student_number', name=op.f('uq_student_student_number'))
        )
    if not has_table('class_section'):
        op.create_table('class_section',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('academic_year_id', sa.Integer(), nullable=False),
            sa.Column('class_number', sa.String(length=4), nullable=False),
            sa.Column('course_id', sa.Integer(), nullable=False),
            sa.Column('component', sa.String(length=10), nullable=False),
            sa.Column('section', sa.String(length=4), nullable=False),
            sa.Column('capacity', sa.Integer(), nullable=False),
            sa.Column('waitlist_capacity', sa.Integer(), nullable=False),
            sa.Column('enrolled_count', sa.Integer(), nullable=False),
            sa.Column('waitlist_count', sa.Integer(), nullable=False),
            sa.Column('instructor', sa.String(length=120), nullable=True),
            sa.Column('enrol_opens_at', sa.DateTime(), nullable=False),
            sa.Column('enrol_closes_at', sa.DateTime(), nullable=False),
            sa.Column('parent_id', sa.Integer(), nullable=True),
            sa.Column('requires_course_id', sa.Integer(), nullable=True),
            sa.CheckConstraint("component IN ('Lecture', 'Tutorial', 'Practical', 'Exam', 'Resit')", name=op.f('ck_class_section_component')),
            sa.CheckConstraint('capacity >= 0 AND waitlist_capacity >= 0', name=op.f('ck_class_section_capacity')),
            sa.CheckConstraint('enrolled_count >= 0 AND waitlist_count >= 0', name=op.f('ck_class_section_counts')),
            sa.CheckConstraint('length(class_number) = 4', name=op.f('ck_class_section_class_number')),
            sa.ForeignKeyConstraint(['academic_year_id'], ['academic_year.id'], name=op.f('fk_class_section_academic_year_id_academic_year')),
            sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_class_section_course_id_course')),
            sa.ForeignKeyConstraint(['parent_id'], ['class_section.id'], name=op.f('fk_class_section_parent_id_class_section')),
            sa.ForeignKeyConstraint(['requires_course_id'], ['course.id'], name=op.f('fk_class_section_requires_course_id_course')),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_class_section')),
            sa.UniqueConstraint('academic_year_id', 'class_number', name='uq_class_section_year_number')
        )
        op.create_index(op.f('ix_class_section_course_id'), 'class_section', ['course_id'], unique=False)
        op.create_index('ix_class_section_parent', 'class_section', ['parent_id'], unique=False)
    if not has_table('exam_result'):
        op.create_table('exam_result',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('student_id', sa.Integer(), nullable=False),
            sa.Column('course_id', sa.Integer(), nullable=False),
            sa.Column('grade', sa.Float(), nullable=False),
            sa.Column('exam_date', sa.Date(), nullable=False),
            sa.CheckConstraint('grade >= 1 AND grade <= 10', name=op.f('ck_exam_result_grade')),
            sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_exam_result_course_id_course')),
            sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_exam_result_student_id_student'), ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_result'))
        )
        op.create_index(op.f('ix_exam_result_student_id'), 'exam_result', ['student_id'], unique=False)
    if not has_table('hold'):
        op.create_table('hold',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('student_id', sa.Integer(), nullable=False),
            sa.Column('kind', sa.String(length=60), nullable=False),
            sa.Column('reason', sa.Text(), nullable=False),
            sa.Column('blocks_enrolment', sa.Boolean(), nullable=False),
            sa.Column('starts_at', sa.DateTime(), nullable=False),
            sa.Column('ends_at', sa.DateTime(), nullable=True),
            sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_hold_student_id_student'), ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_hold'))
        )
        op.create_index(op.f('ix_hold_student_id'), 'hold', ['student_id'], unique=False)
    if not has_table('message'):
        op.create_table('message',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('student_id', sa.Integer(), nullable=False),
            sa.Column('category', sa.String(length=30), nullable=False),
            sa.Column('subject', sa.String(length=200), nullable=False),
            sa.Column('body', sa.Text(), nullable=False),
            sa.Column('created_at', sa.DateTime(), nullable=False),
            sa.Column('read_at', sa.DateTime(), nullable=True),
            sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_message_student_id_student'), ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_message'))
        )
        op.create_index('ix_message_student_created', 'message', ['student_id', 'created_at'], unique=False)
    if not has_table('minor'):
        op.create_table('minor',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('course_id', sa.Integer(), nullable=False),
            sa.Column('minor_type', sa.String(length=10), nullable=False),
            sa.CheckConstraint("minor_type IN ('selection', 'leiden', 'lde')", name=op.f('ck_minor_minor_type')),
            sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_minor_course_id_course')),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_minor')),
            sa.UniqueConstraint('course_id', name=op.f('uq_minor_course_id'))
        )
    if not has_table('petition'):
        op.create_table('petition',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('student_id', sa.Integer(), nullable=False),
            sa.Column('petition_type', sa.String(length=30), nullable=False),
            sa.Column('status', sa.String(length=30), nullable=False),
            sa.Column('course_id', sa.Integer(), nullable=True),
            sa.Column('course_name', sa.String(length=200), nullable=True),
            sa.Column('institution', sa.String(length=200), nullable=True),
            sa.Column('institution_type', sa.String(length=12), nullable=True),
            sa.Column('level', sa.Integer(), nullable=True),
            sa.Column('ec_entered', sa.Float(), nullable=True),
            sa.Column('ec', sa.Integer(), nullable=True),
            sa.Column('course_start', sa.Date(), nullable=True),
            sa.Column('motivation', sa.Text(), nullable=False),
            sa.Column('course_url', sa.String(length=300), nullable=True),
            sa.Column('submitted_at', sa.DateTime(), nullable=False),
            sa.Column('updated_at', sa.DateTime(), nullable=False),
            sa.Column('advice', sa.Text(), nullable=True),
            sa.Column('decision', sa.String(length=10), nullable=True),
            sa.Column('decided_at', sa.DateTime(), nullable=True),
            sa.Column('decided_by', sa.String(length=40), nullable=True),
            sa.Column('decision_number', sa.String(length=40), nullable=True),
            sa.Column('decision_type', sa.String(length=30), nullable=True),
            sa.Column('decided_ec', sa.Integer(), nullable=True),
            sa.Column('decided_level', sa.Integer(), nullable=True),
            sa.Column('decided_institution', sa.String(length=200), nullable=True),
            sa.Column('board_explanation', sa.Text(), nullable=True),
            sa.Column('grade_entered', sa.Float(), nullable=True),
            sa.Column('grade', sa.Float(), nullable=True),
            sa.Column('grade_registered_at', sa.DateTime(), nullable=True),
            sa.Column('withdraw_reason', sa.Text(), nullable=True),
            sa.CheckConstraint("decision IS NULL OR decision IN ('approved', 'rejected')", name=op.f('ck_petition_decision')),
            sa.CheckConstraint("decision_type IS NULL OR decision_type IN ('Individueel besluit', 'Algemeen besluit')", name=op.f('ck_petition_decision_type')),
            sa.CheckConstraint("institution_type IS NULL OR institution_type IN ('University', 'HBO')", name=op.f('ck_petition_institution_type')),
            sa.CheckConstraint("petition_type IN ('Elective course', 'Exemption', 'Different amount of credits', 'External education')", name=op.f('ck_petition_petition_type')),
            sa.CheckConstraint("status IN ('Submitted', 'In progress', 'Approved', 'External courses approved', 'Rejected', 'Withdrawn')", name=op.f('ck_petition_status')),
            sa.CheckConstraint('ec IS NULL OR ec > 0', name=op.f('ck_petition_ec')),
            sa.CheckConstraint('grade IS NULL OR (grade >= 1 AND grade <= 10)', name=op.f('ck_petition_grade')),
            sa.CheckConstraint('level IS NULL OR level IN (100, 200, 300, 400, 500, 600)', name=op.f('ck_petition_level')),
            sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_petition_course_id_course')),
            sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_petition_student_id_student'), ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_petition'))
        )
        op.create_index('ix_petition_status', 'petition', ['status', 'submitted_at'], unique=False)
        op.create_index('ix_petition_student', 'petition', ['student_id', 'submitted_at'], unique=False)
    if not has_table('cart_item'):
        op.create_table('cart_item',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('student_id', sa.Integer(), nullable=False),
            sa.Column('section_id', sa.Integer(), nullable=False),
            sa.Column('wait_list_ok', sa.Boolean(), nullable=False),
            sa.Column('permission_number', sa.String(length=12), nullable=True),
            sa.Column('added_at', sa.DateTime(), nullable=False),
            sa.ForeignKeyConstraint(['section_id'], ['class_section.id'], name=op.f('fk_cart_item_section_id_class_section'), ondelete='CASCADE'),
            sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_cart_item_student_id_student'), ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_cart_item')),
            sa.UniqueConstraint('student_id', 'section_id', name='uq_cart_item_student_section')
        )
    if not has_table('enrolment'):
        op.create_table('enrolment',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('student_id', sa.Integer(), nullable=False),
            sa.Column('section_id', sa.Integer(), nullable=False),
            sa.Column('status', sa.String(length=10), nullable=False),
            sa.Column('waitlist_position', sa.Integer(), nullable=True),
            sa.Column('permission_number', sa.String(length=12), nullable=True),
            sa.Column('created_at', sa.DateTime(), nullable=False),
            sa.Column('enrolled_at', sa.DateTime(), nullable=True),
            sa.Column('waitlisted_at', sa.DateTime(), nullable=True),
            sa.Column('dropped_at', sa.DateTime(), nullable=True),
            sa.Column('drop_reason', sa.String(length=500), nullable=True),
            sa.CheckConstraint("(status = 'waitlisted') = (waitlist_position IS NOT NULL)", name=op.f('ck_enrolment_waitlist_position')),
            sa.CheckConstraint("status IN ('enrolled', 'waitlisted', 'dropped')", name=op.f('ck_enrolment_status')),
            sa.ForeignKeyConstraint(['section_id'], ['class_section.id'], name=op.f('fk_enrolment_section_id_class_section'), ondelete='CASCADE'),
            sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_enrolment_student_id_student'), ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment')),
            sa.UniqueConstraint('student_id', 'section_id', name='uq_enrolment_student_section')
        )
        op.create_index('ix_enrolment_section_status', 'enrolment', ['section_id', 'status', 'waitlist_position'], unique=False)
    if not has_table('meeting'):
        op.create_table('meeting',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('section_id', sa.Integer(), nullable=False),
            sa.Column('weekday', sa.Integer(), nullable=False),
            sa.Column('start_time', sa.Time(), nullable=False),
            sa.Column('end_time', sa.Time(), nullable=False),
            sa.Column('room', sa.String(length=80), nullable=True),
            sa.Column('start_date', sa.Date(), nullable=False),
            sa.Column('end_date', sa.Date(), nullable=False),
            sa.Column('weeks', sa.String(length=200), nullable=True),
            sa.CheckConstraint('start_date <= end_date', name=op.f('ck_meeting_dates')),
            sa.CheckConstraint('start_time < end_time', name=op.f('ck_meeting_times')),
            sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_meeting_weekday')),
            sa.ForeignKeyConstraint(['section_id'], ['class_section.id'], name=op.f('fk_meeting_section_id_class_section'), ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting'))
        )
        op.create_index(op.f('ix_meeting_section_id'), 'meeting', ['section_id'], unique=False)
    if not has_table('minor_application'):
        op.create_table('minor_application',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('student_id', sa.Integer(), nullable=False),
            sa.Column('minor_id', sa.Integer(), nullable=False),
            sa.Column('academic_year_id', sa.Integer(), nullable=False),
            sa.Column('status', sa.String(length=24), nullable=False),
            sa.Column('choice', sa.Integer(), nullable=False),
            sa.Column('applied_at', sa.DateTime(), nullable=False),
            sa.Column('updated_at', sa.DateTime(), nullable=False),
            sa.CheckConstraint("status IN ('applied', 'waitlisted', 'waiting_for_placement', 'placed', 'cancelled')", name=op.f('ck_minor_application_status')),
            sa.ForeignKeyConstraint(['academic_year_id'], ['academic_year.id'], name=op.f('fk_minor_application_academic_year_id_academic_year')),
            sa.ForeignKeyConstraint(['minor_id'], ['minor.id'], name=op.f('fk_minor_application_minor_id_minor'), ondelete='CASCADE'),
            sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_minor_application_student_id_student'), ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_minor_application')),
            sa.UniqueConstraint('student_id', 'minor_id', 'academic_year_id', name='uq_minor_application')
        )
    if not has_table('permission_number'):
        op.create_table('permission_number',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('section_id', sa.Integer(), nullable=False),
            sa.Column('number', sa.String(length=12), nullable=False),
            sa.Column('student_id', sa.Integer(), nullable=True),
            sa.Column('used_by_id', sa.Integer(), nullable=True),
            sa.Column('used_at', sa.DateTime(), nullable=True),
            sa.ForeignKeyConstraint(['section_id'], ['class_section.id'], name=op.f('fk_permission_number_section_id_class_section'), ondelete='CASCADE'),
            sa.ForeignKeyConstraint(['student_id'], ['student.id'], name=op.f('fk_permission_number_student_id_student')),
            sa.ForeignKeyConstraint(['used_by_id'], ['student.id'], name=op.f('fk_permission_number_used_by_id_student')),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_permission_number')),
            sa.UniqueConstraint('section_id', 'number', name='uq_permission_section_number')
        )
    if not has_table('petition_document'):
        op.create_table('petition_document',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('petition_id', sa.Integer(), nullable=False),
            sa.Column('kind', sa.String(length=40), nullable=False),
            sa.Column('path', sa.String(length=500), nullable=False),
            sa.Column('added_at', sa.DateTime(), nullable=False),
            sa.ForeignKeyConstraint(['petition_id'], ['petition.id'], name=op.f('fk_petition_document_petition_id_petition'), ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_petition_document'))
        )
        op.create_index(op.f('ix_petition_document_petition_id'), 'petition_document', ['petition_id'], unique=False)
    if not has_table('petition_event'):
        op.create_table('petition_event',
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('petition_id', sa.Integer(), nullable=False),
            sa.Column('at', sa.DateTime(), nullable=False),
            sa.Column('status', sa.String(length=30), nullable=False),
            sa.Column('title', sa.String(length=120), nullable=False),
            sa.Column('note', sa.Text(), nullable=False),
            sa.Column('actor', sa.String(length=40), nullable=False),
            sa.CheckConstraint("status IN ('Submitted', 'In progress', 'Approved', 'External courses approved', 'Rejected', 'Withdrawn')", name=op.f('ck_petition_event_status')),
            sa.ForeignKeyConstraint(['petition_id'], ['petition.id'], name=op.f('fk_petition_event_petition_id_petition'), ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('id', name=op.f('pk_petition_event'))
        )
        op.create_index(op.f('ix_petition_event_petition_id'), 'petition_event', ['petition_id'], unique=False)


def downgrade() -> None:
    for table in reversed(TABLES):  # children before parents
        op.drop_table(table)
