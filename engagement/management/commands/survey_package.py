import re
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from contracts.models import Contract
from contracts.permissions import people_who_can
from core.errors import DomainError
from core.private_files import private_directory, write_private
from engagement import risk
from engagement.dataset import build_dataset
from engagement.notice import notice_pdf
from engagement.package import KIND_LABELS, build_package, find_personal_data, mask
from engagement.services import default_notice_label, survey_notice_printed, survey_package_register
from handover.models import Item

from ._survey import add_file_arguments, check, print_check

ACTOR_LABEL = "manage.py survey_package"


class Command(BaseCommand):
    help = ("Build the encrypted survey package and its password notice PDF into DIR, register the disc and "
            "the notice in the ledger, and print the SHA-256 and the password once.")

    def add_arguments(self, parser):
        parser.add_argument("--contract", required=True, help="the contract's slug")
        add_file_arguments(parser, positional=False)
        parser.add_argument("--quasi", action="append", default=None, metavar="HEADER",
                            help="a quasi-identifier for k-anonymity (default: every attribute column); every "
                                 "attribute column not named is left out of the package, since each one that "
                                 "leaves counts for k")
        parser.add_argument("--k", type=int, default=risk.DEFAULT_K)
        parser.add_argument("--out", required=True, help="the directory to write the package and the notice to")
        parser.add_argument("--user", help="the HR member recorded as registering the items "
                                           "(default: the contract's only HR member)")
        parser.add_argument("--medium-label", help="the disc's label (default CD-<fiscal year>-<next number>)")
        parser.add_argument("--notice-label", help="the notice's label (default PN-<disc label>)")
        parser.add_argument("--keep-free-text", action="store_true",
                            help="do not mask names, e-mail addresses and phone numbers found in free-text answers")

    def handle(self, *args, contract, file, master, column, quasi, k, out, user, medium_label, notice_label,
               keep_free_text, **options):
        target = self._contract(contract)
        actor = self._actor(target, user)
        try:
            checked = check(file, master, column)
        except DomainError as error:
            self.stderr.write(str(error))
            sys.exit(1)
        print_check(self.stdout, checked)
        if not checked.report.ok:
            self.stdout.write(self.style.ERROR(_("検証でエラーがあるため、パッケージを作成しません。")))
            sys.exit(1)

        dataset = build_dataset(checked.table, checked.mapping, checked.master, checked.report)
        findings = find_personal_data(dataset)
        if findings:
            kinds = {}
            for finding in findings:
                kinds[finding.kind] = kinds.get(finding.kind, 0) + 1
            self.stdout.write(_("自由記述の個人情報らしき箇所: %(count)s件（%(kinds)s）") % {
                "count": len(findings),
                "kinds": "、".join(f"{KIND_LABELS[kind]} {n}件" for kind, n in sorted(kinds.items()))})
            for finding in findings[:20]:
                self.stdout.write(f"  {finding.row}行目 「{finding.column}」 {finding.start + 1}〜{finding.end}文字目")
            if not keep_free_text:
                dataset = mask(dataset, findings)
                self.stdout.write(_("これらを■でマスクしました（%(cells)s セル）。") % {"cells": dataset.masked_cells})

        quasi = quasi or dataset.attribute_headers
        dropped = [h for h in dataset.attribute_headers if h not in quasi]
        if dropped:
            dataset = dataset.without(dropped)
            self.stdout.write(_("kの計算に含めない属性の列はパッケージから外しました: %(columns)s")
                              % {"columns": "・".join(dropped)})
        try:
            proposal = risk.propose(dataset.values, quasi, k)
        except DomainError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(_("再識別のリスク（一般化の前）:"))
        for line in proposal.before.lines():
            self.stdout.write(f"  {line}")
        if not proposal.reached:
            self.stdout.write(_("最も粗い一般化でも k=%(k)s に届きません（秘匿が必要な記録 %(records)s件、上限 %(limit)s件）:")
                              % {"k": k, "records": f"{proposal.protection.suppression_records:,}",
                                 "limit": f"{proposal.protection.suppression_limit_records:,}"})
            for line in proposal.protection.generalised_report.lines():
                self.stdout.write(f"  {line}")
            self.stdout.write(self.style.ERROR(_("準識別子を減らすか、kを見直してください。パッケージは作成しません。")))
            sys.exit(1)
        for change in proposal.changes:
            self.stdout.write(_("一般化: %(column)s: %(how)s") % {"column": change.column, "how": change.describe()})
        if proposal.protection.suppressed_cells:
            self.stdout.write(_("秘匿: %(cells)s セル（%(records)s件の記録）") % {
                "cells": f"{proposal.protection.suppressed_cells:,}",
                "records": f"{proposal.protection.suppressed_records:,}"})

        try:
            built = build_package(dataset, proposal.protection, contract_title=target.title,
                                  fiscal_year=target.fiscal_year, contractor=str(target.contractor),
                                  filename_stem=re.sub(r"[^0-9A-Za-z_-]+", "_", target.slug), dropped=dropped)
        except DomainError as error:
            raise CommandError(str(error)) from None
        try:
            directory = private_directory(out)
        except OSError as error:
            raise CommandError(f"{out}: {error.strerror}") from None
        medium_label = medium_label or self._next_label(target)
        notice_label = notice_label or default_notice_label(medium_label)
        try:
            with transaction.atomic():
                medium, notice = survey_package_register(contract=target, actor=actor, built=built,
                                                         medium_label=medium_label, notice_label=notice_label)
                pdf_name, _type, pdf = notice_pdf(contract=target, package=built, medium_label=medium.label,
                                                  notice_label=notice.label)
                # The package and the password that opens it: the app account's alone (600).
                write_private(directory / built.filename, built.content)
                write_private(directory / pdf_name, pdf)
                survey_notice_printed(contract=target, actor=actor, notice=notice, actor_label=ACTOR_LABEL)
        except DomainError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"{directory}: {error.strerror}") from None
        self.stdout.write(_("記録媒体 %(medium)s とパスワード通知書 %(notice)s を登録しました（%(rows)s件、k=%(k)s）。") % {
            "medium": medium.label, "notice": notice.label, "rows": f"{built.rows:,}", "k": built.k_reached})
        self.stdout.write(f"package: {directory / built.filename}")
        self.stdout.write(f"notice: {directory / pdf_name}")
        self.stdout.write(f"sha256: {built.sha256}")
        self.stdout.write(f"password: {built.password}")

    def _contract(self, slug: str) -> Contract:
        try:
            return Contract.objects.select_related("contractor").get(slug=slug)
        except Contract.DoesNotExist:
            raise CommandError(f"No contract with slug {slug!r}.") from None

    def _actor(self, contract: Contract, username: str | None):
        # Whoever manages the contract now: a member, or a 担当課 clerk through their section (ScopeGrant);
        # the one answer of contracts.permissions, as the pages ask it.
        people = sorted(people_who_can(contract, "manage"), key=lambda person: person.username)
        if username:
            person = next((person for person in people if person.username == username), None)
            if person is None:
                raise CommandError(f"{username!r} is not HR (担当課) of {contract.slug}.")
            return person
        if len(people) != 1:
            raise CommandError("Name the HR member who registers the items with --user "
                               f"({len(people)} HR people on {contract.slug}).")
        return people[0]

    def _next_label(self, contract: Contract) -> str:
        used = set(Item.objects.filter(contract=contract).values_list("label", flat=True))
        number = 1
        while f"CD-{contract.fiscal_year}-{number:03d}" in used:
            number += 1
        return f"CD-{contract.fiscal_year}-{number:03d}"
