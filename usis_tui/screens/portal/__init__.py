"""The Course Portal's pages: the learners' (home, login, my_courses, records, messages, verify)
and the administration's (admin, admin_withdrawals, admin_evaluation)."""
