"""The Course Portal's services: see learner.py (``usis.portal``), accounts.py
(``usis.portal_accounts``), admin.py (``usis.portal_admin``, ``usis.portal_jobs``),
payments.py (the providers) and documents.py (invoices and certificates as PDF)."""

from .accounts import PortalAccountService
from .admin import PortalAdminService, PortalJobs
from .learner import PortalService

__all__ = ["PortalAccountService", "PortalAdminService", "PortalJobs", "PortalService"]
