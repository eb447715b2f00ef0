"""Permission policies for records staff may look at in the Wagtail admin but never change.

Messages, taxi rides, hospital appointments: rows written by what residents did. Register one
for each such model, e.g. ``register_permission_policy(Message, ReadOnlyPolicy(Message))``.
"""

from wagtail.permission_policies import ModelPermissionPolicy


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Only "view", and only for holders of the model's view permission: nobody edits here.

    Add, change and delete are refused to everyone, superusers too, so the admin offers none.
    """

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, "view")

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")
