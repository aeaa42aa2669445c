"""The Course Portal's pages (a second system in the same app: its breadcrumb starts at "Course
Portal").

For the people who take its courses: the offering (home.py) and a course (course.py), Log in
(login.py), enrolling and paying (pay.py), My courses with Manage Course, Withdraw and the
Evaluation (my_courses.py), My Records (records.py), Portal messages (messages.py) and Verify a
certificate (verify.py); they build on base.py's PortalScreen, share the texts of common.py and
the styles of styles/portal.tcss. The administration's: admin, admin_withdrawals,
admin_evaluation."""
