"""The Course Portal: offerings with a cancellation policy, portal accounts (eduID, "Other
login", ULCN), paid enrolments with payments (and every state change), employer invoices,
withdrawals under review, certificates and proofs of attendance, anonymous evaluations, the
portal's messages, the e-mail outbox, and the Course Portal administration as a staff role.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from usis_tui.migrations.helpers import has_table

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('support', 'board', 'trainer')"
NEW_ROLES = "role IN ('support', 'board', 'trainer', 'portal')"


def upgrade() -> None:
    if not has_table("outgoing_mail"):
        op.create_table(
            "outgoing_mail",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("to_address", sa.String(length=254), nullable=False),
            sa.Column("subject", sa.String(length=200), nullable=False),
            sa.Column("body", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("sent_at", sa.DateTime(), nullable=True),
            sa.Column("claimed_at", sa.DateTime(), nullable=True),
            sa.Column("attempts", sa.Integer(), nullable=False),
            sa.Column("last_error", sa.String(length=300), nullable=True),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_mail")),
        )
        op.create_index("ix_outgoing_mail_unsent", "outgoing_mail", ["sent_at"], unique=False)
    if not has_table("portal_account"):
        op.create_table(
            "portal_account",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("email", sa.String(length=254), nullable=False),
            sa.Column("name", sa.String(length=120), nullable=False),
            sa.Column("login", sa.String(length=5), nullable=False),
            sa.Column("username", sa.String(length=40), nullable=True),
            sa.Column("password_hash", sa.String(length=300), nullable=True),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("confirmed_at", sa.DateTime(), nullable=True),
            sa.Column("confirm_hash", sa.String(length=128), nullable=True),
            sa.Column("confirm_sent_at", sa.DateTime(), nullable=True),
            sa.Column("confirm_failures", sa.Integer(), nullable=False),
            sa.Column("language", sa.String(length=2), nullable=True),
            sa.CheckConstraint(
                "(login = 'ulcn') = (username IS NOT NULL)",
                name=op.f("ck_portal_account_ulcn_username"),
            ),
            sa.CheckConstraint(
                "login IN ('ulcn', 'eduid', 'other')", name=op.f("ck_portal_account_login")
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_account")),
            sa.UniqueConstraint("email", name=op.f("uq_portal_account_email")),
            sa.UniqueConstraint("username", name=op.f("uq_portal_account_username")),
        )
    if not has_table("portal_policy"):
        op.create_table(
            "portal_policy",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("name", sa.String(length=80), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_policy")),
            sa.UniqueConstraint("name", name=op.f("uq_portal_policy_name")),
        )
    if not has_table("portal_message"):
        op.create_table(
            "portal_message",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("account_id", sa.Integer(), nullable=False),
            sa.Column("category", sa.String(length=30), nullable=False),
            sa.Column("subject", sa.String(length=200), nullable=False),
            sa.Column("body", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("read_at", sa.DateTime(), nullable=True),
            sa.ForeignKeyConstraint(
                ["account_id"],
                ["portal_account.id"],
                name=op.f("fk_portal_message_account_id_portal_account"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_message")),
        )
        op.create_index(
            "ix_portal_message_account",
            "portal_message",
            ["account_id", "created_at"],
            unique=False,
        )
    if not has_table("portal_offering"):
        op.create_table(
            "portal_offering",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("code", sa.String(length=20), nullable=False),
            sa.Column("title", sa.String(length=200), nullable=False),
            sa.Column("description", sa.Text(), nullable=False),
            sa.Column("language", sa.String(length=2), nullable=False),
            sa.Column("lecturer", sa.String(length=120), nullable=False),
            sa.Column("online", sa.Boolean(), nullable=False),
            sa.Column("location", sa.String(length=200), nullable=False),
            sa.Column("starts_on", sa.Date(), nullable=False),
            sa.Column("ends_on", sa.Date(), nullable=False),
            sa.Column("hours", sa.Integer(), nullable=False),
            sa.Column("ec", sa.Float(), nullable=True),
            sa.Column("price_cents", sa.Integer(), nullable=False),
            sa.Column("vat_percent", sa.Integer(), nullable=False),
            sa.Column("capacity", sa.Integer(), nullable=False),
            sa.Column("record_kind", sa.String(length=11), nullable=False),
            sa.Column("status", sa.String(length=9), nullable=False),
            sa.Column("policy_id", sa.Integer(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.CheckConstraint(
                "record_kind IN ('certificate', 'attendance')",
                name=op.f("ck_portal_offering_record_kind"),
            ),
            sa.CheckConstraint(
                "status IN ('published', 'cancelled')", name=op.f("ck_portal_offering_status")
            ),
            sa.CheckConstraint("capacity >= 0", name=op.f("ck_portal_offering_capacity")),
            sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_portal_offering_dates")),
            sa.CheckConstraint("hours >= 0", name=op.f("ck_portal_offering_hours")),
            sa.CheckConstraint("price_cents >= 0", name=op.f("ck_portal_offering_price")),
            sa.CheckConstraint(
                "vat_percent BETWEEN 0 AND 100", name=op.f("ck_portal_offering_vat")
            ),
            sa.ForeignKeyConstraint(
                ["policy_id"],
                ["portal_policy.id"],
                name=op.f("fk_portal_offering_policy_id_portal_policy"),
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_offering")),
            sa.UniqueConstraint("code", name=op.f("uq_portal_offering_code")),
        )
        op.create_index(
            "ix_portal_offering_starts_on", "portal_offering", ["starts_on"], unique=False
        )
    if not has_table("portal_policy_rule"):
        op.create_table(
            "portal_policy_rule",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("policy_id", sa.Integer(), nullable=False),
            sa.Column("days_before", sa.Integer(), nullable=False),
            sa.Column("refund_percent", sa.Integer(), nullable=False),
            sa.CheckConstraint("days_before >= 0", name=op.f("ck_portal_policy_rule_days_before")),
            sa.CheckConstraint(
                "refund_percent BETWEEN 0 AND 100",
                name=op.f("ck_portal_policy_rule_refund_percent"),
            ),
            sa.ForeignKeyConstraint(
                ["policy_id"],
                ["portal_policy.id"],
                name=op.f("fk_portal_policy_rule_policy_id_portal_policy"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_policy_rule")),
            sa.UniqueConstraint("policy_id", "days_before", name="uq_portal_policy_rule_days"),
        )
    if not has_table("portal_enrolment"):
        op.create_table(
            "portal_enrolment",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("offering_id", sa.Integer(), nullable=False),
            sa.Column("account_id", sa.Integer(), nullable=False),
            sa.Column("status", sa.String(length=9), nullable=False),
            sa.Column("payer", sa.String(length=8), nullable=False),
            sa.Column("price_cents", sa.Integer(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("hold_until", sa.DateTime(), nullable=True),
            sa.Column("enrolled_at", sa.DateTime(), nullable=True),
            sa.Column("released_at", sa.DateTime(), nullable=True),
            sa.Column("completion", sa.String(length=9), nullable=True),
            sa.Column("completed_at", sa.DateTime(), nullable=True),
            sa.Column("confirmed_at", sa.DateTime(), nullable=True),
            sa.Column("reminded_at", sa.DateTime(), nullable=True),
            sa.Column("evaluated_at", sa.DateTime(), nullable=True),
            sa.CheckConstraint(
                "completion IS NULL OR completion IN ('completed', 'attended')",
                name=op.f("ck_portal_enrolment_completion"),
            ),
            sa.CheckConstraint(
                "payer IN ('self', 'employer')", name=op.f("ck_portal_enrolment_payer")
            ),
            sa.CheckConstraint(
                "status IN ('pending', 'enrolled', 'released', 'withdrawn')",
                name=op.f("ck_portal_enrolment_status"),
            ),
            sa.ForeignKeyConstraint(
                ["account_id"],
                ["portal_account.id"],
                name=op.f("fk_portal_enrolment_account_id_portal_account"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["offering_id"],
                ["portal_offering.id"],
                name=op.f("fk_portal_enrolment_offering_id_portal_offering"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_enrolment")),
        )
        op.create_index(
            "ix_portal_enrolment_account", "portal_enrolment", ["account_id"], unique=False
        )
        op.create_index(
            "uq_portal_enrolment_active",
            "portal_enrolment",
            ["offering_id", "account_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'enrolled')"),
            postgresql_where=sa.text("status IN ('pending', 'enrolled')"),
        )
    if not has_table("portal_evaluation"):
        op.create_table(
            "portal_evaluation",
            sa.Column("id", sa.String(length=32), nullable=False),
            sa.Column("offering_id", sa.Integer(), nullable=False),
            sa.Column("answers", sa.Text(), nullable=False),
            sa.ForeignKeyConstraint(
                ["offering_id"],
                ["portal_offering.id"],
                name=op.f("fk_portal_evaluation_offering_id_portal_offering"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_evaluation")),
        )
        op.create_index(
            op.f("ix_portal_evaluation_offering_id"),
            "portal_evaluation",
            ["offering_id"],
            unique=False,
        )
    if not has_table("portal_invoice"):
        op.create_table(
            "portal_invoice",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("number", sa.String(length=20), nullable=False),
            sa.Column("enrolment_id", sa.Integer(), nullable=False),
            sa.Column("organisation", sa.String(length=200), nullable=False),
            sa.Column("address", sa.Text(), nullable=False),
            sa.Column("reference", sa.String(length=60), nullable=False),
            sa.Column("contact_name", sa.String(length=120), nullable=False),
            sa.Column("contact_email", sa.String(length=254), nullable=False),
            sa.Column("net_cents", sa.Integer(), nullable=False),
            sa.Column("vat_percent", sa.Integer(), nullable=False),
            sa.Column("vat_cents", sa.Integer(), nullable=False),
            sa.Column("total_cents", sa.Integer(), nullable=False),
            sa.Column("issued_on", sa.Date(), nullable=False),
            sa.Column("due_on", sa.Date(), nullable=False),
            sa.Column("paid_at", sa.DateTime(), nullable=True),
            sa.Column("paid_registered_by", sa.String(length=40), nullable=True),
            sa.ForeignKeyConstraint(
                ["enrolment_id"],
                ["portal_enrolment.id"],
                name=op.f("fk_portal_invoice_enrolment_id_portal_enrolment"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_invoice")),
            sa.UniqueConstraint("enrolment_id", name=op.f("uq_portal_invoice_enrolment_id")),
            sa.UniqueConstraint("number", name=op.f("uq_portal_invoice_number")),
        )
    if not has_table("portal_payment"):
        op.create_table(
            "portal_payment",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("enrolment_id", sa.Integer(), nullable=False),
            sa.Column("provider", sa.String(length=20), nullable=False),
            sa.Column("test_mode", sa.Boolean(), nullable=False),
            sa.Column("reference", sa.String(length=64), nullable=False),
            sa.Column("method", sa.String(length=10), nullable=False),
            sa.Column("issuer", sa.String(length=40), nullable=True),
            sa.Column("amount_cents", sa.Integer(), nullable=False),
            sa.Column("status", sa.String(length=8), nullable=False),
            sa.Column("checkout_url", sa.String(length=500), nullable=True),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("expires_at", sa.DateTime(), nullable=True),
            sa.Column("paid_at", sa.DateTime(), nullable=True),
            sa.CheckConstraint(
                "method IN ('ideal', 'creditcard', 'invoice')",
                name=op.f("ck_portal_payment_method"),
            ),
            sa.CheckConstraint(
                "status IN ('open', 'paid', 'failed', 'canceled', 'expired')",
                name=op.f("ck_portal_payment_status"),
            ),
            sa.ForeignKeyConstraint(
                ["enrolment_id"],
                ["portal_enrolment.id"],
                name=op.f("fk_portal_payment_enrolment_id_portal_enrolment"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_payment")),
            sa.UniqueConstraint("reference", name=op.f("uq_portal_payment_reference")),
        )
        op.create_index(
            "ix_portal_payment_enrolment", "portal_payment", ["enrolment_id"], unique=False
        )
    if not has_table("portal_record"):
        op.create_table(
            "portal_record",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("enrolment_id", sa.Integer(), nullable=False),
            sa.Column("kind", sa.String(length=11), nullable=False),
            sa.Column("code", sa.String(length=20), nullable=False),
            sa.Column("issued_at", sa.DateTime(), nullable=False),
            sa.Column("issued_by", sa.String(length=40), nullable=False),
            sa.CheckConstraint(
                "kind IN ('certificate', 'attendance')", name=op.f("ck_portal_record_kind")
            ),
            sa.ForeignKeyConstraint(
                ["enrolment_id"],
                ["portal_enrolment.id"],
                name=op.f("fk_portal_record_enrolment_id_portal_enrolment"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_record")),
            sa.UniqueConstraint("code", name=op.f("uq_portal_record_code")),
            sa.UniqueConstraint("enrolment_id", name=op.f("uq_portal_record_enrolment_id")),
        )
    if not has_table("portal_withdrawal"):
        op.create_table(
            "portal_withdrawal",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("enrolment_id", sa.Integer(), nullable=False),
            sa.Column("reason", sa.Text(), nullable=False),
            sa.Column("requested_at", sa.DateTime(), nullable=False),
            sa.Column("status", sa.String(length=12), nullable=False),
            sa.Column("refund_percent", sa.Integer(), nullable=False),
            sa.Column("refund_cents", sa.Integer(), nullable=False),
            sa.Column("settlement", sa.String(length=11), nullable=True),
            sa.Column("settlement_number", sa.String(length=20), nullable=True),
            sa.Column("decided_at", sa.DateTime(), nullable=True),
            sa.Column("decided_by", sa.String(length=40), nullable=True),
            sa.Column("note", sa.Text(), nullable=False),
            sa.CheckConstraint(
                "status IN ('under_review', 'approved', 'rejected')",
                name=op.f("ck_portal_withdrawal_status"),
            ),
            sa.CheckConstraint(
                "refund_percent BETWEEN 0 AND 100", name=op.f("ck_portal_withdrawal_refund_percent")
            ),
            sa.ForeignKeyConstraint(
                ["enrolment_id"],
                ["portal_enrolment.id"],
                name=op.f("fk_portal_withdrawal_enrolment_id_portal_enrolment"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_withdrawal")),
        )
        op.create_index(
            "uq_portal_withdrawal_open",
            "portal_withdrawal",
            ["enrolment_id"],
            unique=True,
            sqlite_where=sa.text("status = 'under_review'"),
            postgresql_where=sa.text("status = 'under_review'"),
        )
    if not has_table("portal_payment_event"):
        op.create_table(
            "portal_payment_event",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("payment_id", sa.Integer(), nullable=False),
            sa.Column("at", sa.DateTime(), nullable=False),
            sa.Column("status", sa.String(length=8), nullable=False),
            sa.Column("detail", sa.String(length=300), nullable=False),
            sa.ForeignKeyConstraint(
                ["payment_id"],
                ["portal_payment.id"],
                name=op.f("fk_portal_payment_event_payment_id_portal_payment"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_payment_event")),
        )
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_constraint(op.f("ck_staff_user_role"), type_="check")
        batch.create_check_constraint(op.f("ck_staff_user_role"), NEW_ROLES)


def downgrade() -> None:
    op.execute("DELETE FROM staff_user WHERE role = 'portal'")
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_constraint(op.f("ck_staff_user_role"), type_="check")
        batch.create_check_constraint(op.f("ck_staff_user_role"), OLD_ROLES)
    op.drop_table("portal_payment_event")
    op.drop_table("portal_withdrawal")
    op.drop_table("portal_record")
    op.drop_table("portal_payment")
    op.drop_table("portal_invoice")
    op.drop_table("portal_evaluation")
    op.drop_table("portal_enrolment")
    op.drop_table("portal_policy_rule")
    op.drop_table("portal_offering")
    op.drop_table("portal_message")
    op.drop_table("portal_policy")
    op.drop_table("portal_account")
    op.drop_table("outgoing_mail")
