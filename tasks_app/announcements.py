"""What the services announce, for the apps above tasks_app to act on (notifications tells
people), so that tasks_app imports none of them.

Each is sent inside the write's transaction: what a receiver writes commits or rolls back
with the change it is about.
"""

from django.dispatch import Signal

# assignment, action (workflow.Action), event (the StatusEvent recorded)
assignment_transitioned = Signal()
# assignment, event (the owner change), old_owner, new_owner, reason
assignment_reassigned = Signal()
# request (the ExtensionRequest made)
extension_requested = Signal()
# request (the ExtensionRequest decided), note
extension_decided = Signal()
# comment (the Comment posted)
comment_posted = Signal()
# request (the ExplanationRequest made)
explanation_requested = Signal()
# request (the ExplanationRequest answered)
explanation_answered = Signal()
# request (the ExplanationRequest accepted or asked again), step (the ExplanationStep recorded)
explanation_decided = Signal()
# obstacle (the Obstacle recorded)
obstacle_recorded = Signal()
# obstacle (the Obstacle answered)
obstacle_answered = Signal()
# obstacle (the Obstacle resolved or declined), step (the ObstacleStep recorded)
obstacle_resolved = Signal()
# successor (the Agency), old_codes, effective (date), moved (open assignments moved to it)
agency_merger_applied = Signal()
