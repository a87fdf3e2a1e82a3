"""Admins' pages for the group's forms: the questions of each form, in order, with buttons to
move, edit, retire and restore them; a page to add or edit one. Thin: services do the work."""

from __future__ import annotations

from django.contrib import messages
from django.db import connection
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.accounts.decorators import admins_only
from core.errors import Refused
from tenants.forms import selectors, services
from tenants.forms.forms import QuestionForm
from tenants.forms.models import CustomField

ACTIONS = ("up", "down", "retire", "restore")
ADD_LABELS = {CustomField.Form.REQUEST: gettext_lazy("Add a question to the request form"),
              CustomField.Form.VOLUNTEER: gettext_lazy("Add a question to the volunteer form")}


def _languages() -> list[str]:
    """The group's languages, its default first (the one every question must be written in)."""
    group = connection.tenant
    return [group.default_language, *(code for code in group.enabled_languages
                                      if code != group.default_language)]


@admins_only
def index(request):
    forms = []
    for form, form_label in CustomField.Form.choices:
        levels = dict(selectors.level_choices(form))
        rows = [(q, selectors.label_of(q), levels.get(q.level, ""))
                for q in selectors.questions(form)]
        forms.append((form, form_label, ADD_LABELS[form], [r for r in rows if r[0].active],
                      [r for r in rows if not r[0].active]))
    return render(request, "forms/index.html", {"forms": forms})


@admins_only
def add(request, form: str):
    if form not in CustomField.Form.values:
        raise Http404
    return _edit(request, form=form, question=None)


@admins_only
def edit(request, field_id: int):
    question = get_object_or_404(CustomField, pk=field_id)
    return _edit(request, form=question.form, question=question)


def _edit(request, *, form: str, question: CustomField | None):
    editor = QuestionForm(request.POST or None, form=form, languages=_languages(),
                          question=question)
    if request.method == "POST" and editor.is_valid():
        try:
            if question is None:
                services.add_field(form=form, spec=editor.spec(), actor=request.user)
                messages.success(request, _("Question added."))
            else:
                services.edit_field(field_id=question.pk, spec=editor.spec(),
                                    actor=request.user)
                messages.success(request, _("Question saved."))
            return redirect("forms_index")
        except Refused as refused:
            editor.add_error(None, refused.message)
    return render(request, "forms/edit.html", {
        "editor": editor, "question": question, "form_label": CustomField.Form(form).label,
    }, status=400 if request.method == "POST" else 200)


@admins_only
@require_POST
def act(request, field_id: int, action: str):
    if action not in ACTIONS:
        raise Http404
    try:
        if action in ("up", "down"):
            services.move_field(field_id=field_id, up=action == "up", actor=request.user)
        elif action == "retire":
            services.retire_field(field_id=field_id, actor=request.user)
            messages.success(request, _("Question retired. Its answers are kept."))
        else:
            services.restore_field(field_id=field_id, actor=request.user)
            messages.success(request, _("Question back on the form."))
    except CustomField.DoesNotExist:
        raise Http404 from None
    except Refused as refused:
        messages.info(request, refused.message)
    return redirect(f"{reverse('forms_index')}#question-{field_id}")
