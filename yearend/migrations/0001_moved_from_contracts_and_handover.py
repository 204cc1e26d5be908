import django.db.models.deletion
import yearend.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The year's-end models, moved here from contracts and handover with their tables (no row moves)."""


    initial = True

    dependencies = [
        ('contracts', '0004_report_measures_closing'),
        ('handover', '0005_new_medium_kinds_destroy_only'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Only Django's picture of the models changes: the tables, their rows and their constraints stay
        # where they are (the models keep their db_table).
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='ContractMeasure',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('decided_on', models.DateField(verbose_name='検討・決定した日')),
                    ('text', models.TextField(verbose_name='対応策・改善策')),
                    ('recorded_at', models.DateTimeField(verbose_name='記録日時')),
                    ('contract', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='measures', to='contracts.contract', verbose_name='契約')),
                    ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='記録した者')),
                ],
                options={
                    'verbose_name': '対応策・改善策',
                    'verbose_name_plural': '対応策・改善策',
                    'db_table': 'contracts_contractmeasure',
                    'ordering': ['contract', 'decided_on', 'recorded_at'],
                },
            ),
            migrations.CreateModel(
                name='ContractReport',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('title', models.CharField(max_length=200, verbose_name='報告書の表題')),
                    ('submitted_at', models.DateTimeField(verbose_name='提出日時')),
                    ('pages', models.PositiveSmallIntegerField(verbose_name='ページ数')),
                    ('no_personal_data', models.BooleanField(default=False, verbose_name='個人情報を含まないことの確認（委託先）')),
                    ('file', models.FileField(blank=True, upload_to=yearend.models._report_path, verbose_name='報告書のPDF')),
                    ('file_name', models.CharField(blank=True, max_length=200, verbose_name='ファイル名')),
                    ('file_size', models.PositiveIntegerField(default=0, verbose_name='ファイルの大きさ')),
                    ('file_sha256', models.CharField(blank=True, max_length=64, verbose_name='SHA-256')),
                    ('status', models.CharField(choices=[('submitted', '区の確認待ち'), ('returned', '差戻し'), ('accepted', '受理')], default='submitted', max_length=10, verbose_name='状態')),
                    ('recorded_at', models.DateTimeField(verbose_name='記録日時')),
                    ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='受理・差戻し日時')),
                    ('return_reason', models.CharField(blank=True, max_length=300, verbose_name='差戻しの理由')),
                    ('contract', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='contracts.contract', verbose_name='契約')),
                    ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='受理・差戻しした者')),
                    ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='記録した者')),
                ],
                options={
                    'verbose_name': '報告書',
                    'verbose_name_plural': '報告書',
                    'db_table': 'contracts_contractreport',
                    'ordering': ['contract', '-recorded_at', '-pk'],
                },
            ),
            migrations.CreateModel(
                name='CopyRecord',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('number', models.PositiveIntegerField(verbose_name='複製番号')),
                    ('place', models.CharField(choices=[('analysis_pc', '分析用PC'), ('backup', '暗号化したバックアップ'), ('other_medium', 'その他の媒体')], max_length=15, verbose_name='複製先の種類')),
                    ('location', models.CharField(max_length=200, verbose_name='複製先（PC名・資産番号・媒体の管理番号等）')),
                    ('made_at', models.DateTimeField(verbose_name='複製した日時')),
                    ('purpose', models.CharField(max_length=200, verbose_name='複製の目的')),
                    ('encrypted', models.BooleanField(verbose_name='暗号化')),
                    ('notes', models.CharField(blank=True, max_length=300, verbose_name='備考')),
                    ('recorded_at', models.DateTimeField(verbose_name='記録日時')),
                    ('contract', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='copy_records', to='contracts.contract', verbose_name='契約')),
                    ('made_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='複製した者')),
                    ('medium_kind', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='handover.mediumkind', verbose_name='媒体の種類')),
                    ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('source', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='copies', to='handover.item', verbose_name='複製元の記録媒体')),
                ],
                options={
                    'verbose_name': '複製等の記録',
                    'verbose_name_plural': '複製等の記録',
                    'db_table': 'handover_copyrecord',
                    'ordering': ['contract', 'number'],
                },
            ),
            migrations.CreateModel(
                name='DeletionReport',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('number', models.PositiveIntegerField(verbose_name='報告番号')),
                    ('status', models.CharField(choices=[('draft', '作成中'), ('submitted', '提出済み（区の確認待ち）'), ('returned', '差戻し'), ('accepted', '受理')], default='draft', max_length=10, verbose_name='状態')),
                    ('created_at', models.DateTimeField(verbose_name='作成日時')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提出日時')),
                    ('submission_count', models.PositiveSmallIntegerField(default=0, verbose_name='提出回数')),
                    ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='受理・差戻し日時')),
                    ('contract', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deletion_reports', to='contracts.contract', verbose_name='契約')),
                    ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='作成者')),
                    ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='受理・差戻しした者')),
                    ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='提出者（取扱責任者）')),
                ],
                options={
                    'verbose_name': '消去報告書',
                    'verbose_name_plural': '消去報告書',
                    'db_table': 'handover_deletionreport',
                    'ordering': ['contract', '-number'],
                },
            ),
            migrations.CreateModel(
                name='DeletionLine',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('method_type', models.CharField(blank=True, choices=[('clear', '消去（Clear）'), ('purge', '完全消去（Purge）'), ('destroy', '破壊（Destroy）')], max_length=10, verbose_name='方式')),
                    ('method', models.CharField(blank=True, max_length=200, verbose_name='方法')),
                    ('tool', models.CharField(blank=True, max_length=100, verbose_name='使用したツール・機器')),
                    ('tool_version', models.CharField(blank=True, max_length=50, verbose_name='ツールの版')),
                    ('performed_on', models.DateField(blank=True, null=True, verbose_name='実施日')),
                    ('verification', models.CharField(blank=True, max_length=200, verbose_name='確認の方法')),
                    ('certificate', models.CharField(blank=True, max_length=100, verbose_name='証明書の番号等')),
                    ('witnessed', models.BooleanField(default=False, verbose_name='区の立会い')),
                    ('notes', models.CharField(blank=True, max_length=300, verbose_name='備考')),
                    ('return_reason', models.CharField(blank=True, max_length=300, verbose_name='差戻しの理由')),
                    ('returned_at', models.DateTimeField(blank=True, null=True, verbose_name='差戻し日時')),
                    ('updated_at', models.DateTimeField(blank=True, null=True, verbose_name='記入日時')),
                    ('copy', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='deletion_lines', to='yearend.copyrecord', verbose_name='複製')),
                    ('item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='deletion_lines', to='handover.item', verbose_name='記録媒体等')),
                    ('performer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='実施者')),
                    ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('verifier', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='確認者')),
                    ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='yearend.deletionreport')),
                ],
                options={
                    'verbose_name': '消去報告書の行',
                    'verbose_name_plural': '消去報告書の行',
                    'db_table': 'handover_deletionline',
                    'ordering': ['report', 'pk'],
                },
            ),
            migrations.AddConstraint(
                model_name='copyrecord',
                constraint=models.UniqueConstraint(fields=('contract', 'number'), name='copy_number_per_contract'),
            ),
            migrations.AddConstraint(
                model_name='deletionreport',
                constraint=models.UniqueConstraint(fields=('contract', 'number'), name='deletion_report_number'),
            ),
            migrations.AddConstraint(
                model_name='deletionline',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('copy__isnull', True), ('item__isnull', False)), models.Q(('copy__isnull', False), ('item__isnull', True)), _connector='OR'), name='deletion_line_one_target'),
            ),
            migrations.AddConstraint(
                model_name='deletionline',
                constraint=models.UniqueConstraint(fields=('report', 'copy'), name='deletion_line_copy_once'),
            ),
            migrations.AddConstraint(
                model_name='deletionline',
                constraint=models.UniqueConstraint(fields=('report', 'item'), name='deletion_line_item_once'),
            ),
        ]),
    ]
