# An upload's column mapping held the file's first row as plain JSON: in a file exported without its header
# row, a respondent's values. It moves into a sealed field (AES-GCM under DATA_KEY, bound to the survey file's
# name, as engagement.workflow.upload_mapping reads it); a purged upload keeps none of it, nor the settings
# that name its columns; a mapping saved with a contract drops the columns of a file whose headers would
# not pass as a header row.

import json

from django.db import migrations, models


def seal_headers(apps, schema_editor):
    from engagement import crypto
    from engagement.reading import value_like_columns

    Upload = apps.get_model("engagement", "SurveyUpload")
    for upload in Upload.objects.all().iterator():
        if upload.purged_at is None and upload.survey_blob and upload.mapping:
            plain = json.dumps(upload.mapping, ensure_ascii=False).encode("utf-8")
            upload.mapping_sealed = crypto.encrypt(plain, purpose=crypto.MAPPING, name=upload.survey_blob)
            upload.save(update_fields=["mapping_sealed"])
        elif upload.purged_at is not None:
            upload.quasi, upload.plan, upload.department_map, upload.unmasked = None, [], {}, []
            upload.save(update_fields=["quasi", "plan", "department_map", "unmasked"])

    Saved = apps.get_model("engagement", "SurveyMapping")
    for saved in Saved.objects.all().iterator():
        columns = saved.mapping.get("columns") if isinstance(saved.mapping, dict) else None
        if not isinstance(columns, list):
            continue
        columns = [c for c in columns if isinstance(c, dict)]
        refused = {source for source in ("survey", "master")
                   if value_like_columns([str(c.get("header", "")) for c in columns
                                          if c.get("source", "survey") == source])}
        if refused:
            kept = [c for c in columns if c.get("source", "survey") not in refused]
            saved.mapping = {**saved.mapping, "columns": kept}
            saved.save(update_fields=["mapping"])


class Migration(migrations.Migration):

    dependencies = [
        ('engagement', '0003_purge_reason_closed'),
    ]

    operations = [
        migrations.AddField(
            model_name='surveyupload',
            name='mapping_sealed',
            field=models.BinaryField(blank=True, default=b''),
        ),
        migrations.RunPython(seal_headers, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='surveyupload',
            name='mapping',
        ),
    ]
