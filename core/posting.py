"""One POST shape for a page with a form: bind, act, and redirect or send the form back.

Every view that takes a form and calls a service did the same thing by hand: build the form (bound on a
POST, unbound with its initial values on a GET), call the service when the form is valid, show a refused
action (``DomainError``) on the form at its field, answer 400 with the page again on any error, and
otherwise say what was done and redirect. ``form_post`` is that shape once. A page with a form (GET and
POST)::

    @login_required
    @contract_methods("GET", "POST")
    def item_create(request, slug):
        contract = contract_for(request.user, slug)
        answer = may_register(request.user, contract).or_403()
        return form_post(
            request, ItemForm, form_kwargs={"contract": contract}, allowed=answer,
            act=lambda form: services.item_register(contract=contract, actor=request.user, request=request,
                                                    **form.cleaned_data),
            message=lambda item: _("「%(item)s」を登録しました。") % {"item": item},
            done=lambda item: redirect("handover:item_detail", slug=slug, pk=item.pk),
            page="handover/item_form.html", context={"contract": contract, "answer": answer})

A POST-only view (``@contract_post``) whose form sits on a larger page passes that page as a function of
the form and the status; a refusal about the object's state, which leaves no form to show it on, answers
through ``on_error``::

    def on_error(form, error):
        if error.code in STATE_REFUSALS:
            return _refused(request, handover, error)
        return add_to_form(form, error)

    return form_post(
        request, CancelForm, on_error=on_error,
        act=lambda form: services.handover_cancel(handover=handover, actor=request.user, request=request,
                                                  **form.cleaned_data),
        message=_("受渡し No.%(n)s を取り消しました。") % {"n": handover.number},
        done=redirect("handover:handover_detail", slug=slug, pk=pk),
        page=lambda form, status: _handover_page(request, handover, cancel_form=form, status=status))

More of what the views do, and how it is said here:

- A form with files: ``files=True``. A form made by a factory (``DeletionLineForm.for_line(line, data,
  ...)``): ``form_class=functools.partial(DeletionLineForm.for_line, line)``; anything called with the
  data (and files) as positional arguments and ``form_kwargs`` as keywords will do.
- A message that depends on what happened (accepted or sent back): ``act`` returns the words, or what
  they are made from, and ``message=lambda words: words``. A local ``def act(form)`` is fine for a
  service call with several steps, a ``raise DomainError(...)`` among them (a choice the form lacks).
- An error that shows a page of its own (``ReportIncomplete`` with its list of problems): ``on_error``
  returns that page; it gets the form, so the page can show it as sent.
- A refusal checked before the form that answers with a message and a redirect (or a page without the
  form) stays in the view, as an early ``return`` before ``form_post``; one that the page shows with the
  form (the form is replaced by the reason) is ``allowed=answer``.
- Values a redirect or a message read are taken when ``form_post`` is called unless given as functions;
  give a function for anything the service (or the form's cleaning, for a ``ModelForm``'s instance)
  changes, or that must not be computed on a GET (``request.session.pop``).

What stays in the view: looking the object up and ``or_403()`` (before the call), any early answer that
needs no form (a GET sent elsewhere), and what the service is called with. A view whose errors do not go
on a form (a message and a redirect, a line of a list marked as failed) keeps its own ``try``/``except``.
``posted(request)`` gives the arguments that bind a form the same way, for a view that builds its form
itself (the login page).
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.errors import DomainError, add_to_form


def posted(request: HttpRequest, *, files: bool = False) -> tuple:
    """The arguments binding a form to this request: the POST (and its files) on a POST, even an empty one
    (an empty QueryDict is falsy, so binding only a POST that holds something leaves an empty one unbound:
    no error shown, nothing done); none otherwise."""
    if request.method != "POST":
        return ()
    return (request.POST, request.FILES) if files else (request.POST,)


def form_post(
    request: HttpRequest,
    form_class: Callable,
    *,
    act: Callable[[Any], Any],
    done: HttpResponse | Callable[[Any], HttpResponse],
    page: str | Callable[[Any, int], HttpResponse],
    context: dict | None = None,
    message: str | Callable[[Any], str | None] | None = None,
    form_kwargs: dict | None = None,
    files: bool = False,
    allowed=None,
    on_error: Callable[[Any, DomainError], HttpResponse | None] = add_to_form,
    invalid_status: int = 400,
) -> HttpResponse:
    """The page of a form that calls a service; see the module's docstring for an example.

    - ``form_class(*posted(request, files=files), **form_kwargs)`` is the form: bound to whatever a POST
      holds (an empty one included, with ``request.FILES`` when ``files``), unbound on a GET or HEAD
      (pass ``initial`` in ``form_kwargs``; it is given on a POST too, as the views always did).
    - ``page`` shows it: ``page(form, status)``, or a template name rendered with ``context`` plus
      ``{"form": form}``. A GET gets the page with 200 and nothing else happens.
    - ``allowed``: an ``Answer`` checked on a POST before anything else; refused, its message goes on the
      form (not at a field) and the page answers ``invalid_status`` without validating or acting.
    - ``act(form)`` calls the service once the form is valid; its return value is the ``result``.
    - A ``DomainError`` from ``act`` goes to ``on_error(form, error)``: by default ``add_to_form`` (at the
      error's field when the form has it, else at the top). ``on_error`` may answer instead by returning a
      response (a refusal about the object's state, shown where no form is left to show it on).
    - Success: ``message`` (text, or ``message(result)``; nothing when it gives none) is shown as a success
      message and ``done`` (a response, or ``done(result)``) is the answer, usually a redirect.
    - Otherwise (the form invalid, or the error put on it) the page again, with ``invalid_status`` (400;
      the few pages that have always answered 200 pass it).
    """
    form = form_class(*posted(request, files=files), **(form_kwargs or {}))

    def show(status: int) -> HttpResponse:
        if callable(page):
            return page(form, status)
        return render(request, page, {**(context or {}), "form": form}, status=status)

    if request.method != "POST":
        return show(200)
    if allowed is not None and not allowed:
        form.add_error(None, allowed.message)
        return show(invalid_status)
    if form.is_valid():
        try:
            result = act(form)
        except DomainError as error:
            response = on_error(form, error)
            if response is not None:
                return response
        else:
            text = message(result) if callable(message) else message
            if text:
                messages.success(request, text)
            return done(result) if callable(done) else done
    return show(invalid_status)
