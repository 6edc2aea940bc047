"""The Wagtail admin honours the workflow: a tracked record's snippet viewset lists only what
the user may view (a community's draft stays private to it), opens the edit form only where the
workflow's per-state edit map allows, saves through the record's update service (so rules,
locks and history are the same as on the front end) and never adds or deletes around the
services. States change only through the records' own action pages."""

from django.core.exceptions import PermissionDenied
from wagtail.log_actions import log
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.snippets.views.snippets import EditView, InspectView

from portal.admin_exports import SafeExportSnippetViewSet

from .engine import WorkflowError, workflow_for


class LimitedPolicy(ModelPermissionPolicy):
    """Model permissions (the staff group's), minus the actions the admin never does for this
    model (records written only by their services)."""

    def __init__(self, model, *, denied):
        super().__init__(model)
        self.denied = set(denied)

    def user_has_permission(self, user, action):
        return action not in self.denied and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class WorkflowPermissionPolicy(LimitedPolicy):
    """A tracked record: never added or deleted in the admin, and per record the workflow's
    view/edit maps."""

    def __init__(self, model, *, denied=("add", "delete")):
        super().__init__(model, denied=denied)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        wf = workflow_for(instance)
        if action == "change":
            return wf.can_edit(user, instance)
        return wf.can_view(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, action, instance) for action in actions)

    def instances_user_has_permission_for(self, user, action):
        wf = workflow_for(self.model)
        qs = super().instances_user_has_permission_for(user, action)
        return qs.filter(wf.editable_q(user) if action == "change" else wf.visible_q(user))


class WorkflowEditView(EditView):
    update_service = None

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not workflow_for(obj).can_edit(self.request.user, obj):
            raise PermissionDenied
        return obj

    def save_instance(self):
        if self.update_service is None:
            raise PermissionDenied
        fields = {name: self.form.cleaned_data[name] for name in self.form.changed_data}
        instance = self.update_service(self.object, self.request.user, fields)
        log(instance=instance, action="wagtail.edit", user=self.request.user)
        return instance

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except WorkflowError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)


class WorkflowInspectView(InspectView):
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not workflow_for(obj).can_view(self.request.user, obj):
            raise PermissionDenied
        return obj


class WorkflowSnippetViewSet(SafeExportSnippetViewSet):
    """A snippet viewset for a tracked record. `update_service(obj, by, fields)` saves an admin
    edit through the domain's service; without one, the admin only lists and inspects."""

    edit_view_class = WorkflowEditView
    inspect_view_class = WorkflowInspectView
    inspect_view_enabled = True
    update_service = None

    def get_queryset(self, request):
        wf = workflow_for(self.model)
        qs = self.model._default_manager.filter(wf.visible_q(request.user)).select_related(*wf.related)
        return qs

    def get_edit_view_kwargs(self, **kwargs):
        service = type(self).update_service
        return super().get_edit_view_kwargs(update_service=service, **kwargs)
