"""Answers to a group's own questions in pages: `{% load custom_answers %}`, then
`{% include "forms/answers.html" with answers=answers|answers_of:task.pk %}` where a view
passed {record pk: [Answer]} (tenants.forms.selectors.answers_for)."""

from django import template

register = template.Library()


@register.filter
def answers_of(answers, pk) -> list:
    return (answers or {}).get(pk, [])
