"""Interview mode: practise an ML system design interview against the clock.

Interview ▸ Start interview… picks a problem (a template's statement, or a typed one) and a
duration, opens an empty design with that problem, and shows a countdown toolbar and a
checklist of the six framework stages that light up as the design covers them. At the end
(time up, Finish, or Score now) the rubric dialog scores the design on problem translation,
decision-making and breadth and depth, lists follow-up questions, and exports the PDF report
with an "Interview rubric" section. Interview ▸ Compare with template… shows, stage by
stage, what a template has that the design lacks.

The interview state (problem, start time, duration, elapsed) lives in memory only, in the
window's InterviewSession; the design keeps the problem (meta.problem) and its title.

Modules: session (countdown, injectable clock), timer_bar (toolbar), checklist (stages
dock), start_dialog, rubric_dialog, compare (dialog over app.rules.compare), controller
(ties them to a MainWindow), screenshot (the README pictures).
"""

from app.ui.interview.controller import InterviewController

__all__ = ["InterviewController"]
