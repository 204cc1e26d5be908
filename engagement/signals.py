"""The package's encrypted file is kept for HR's download only until its disc is handed over.

handover.services changes an item's state with ``save(update_fields=[..."state"...])``; once a survey
package's disc is no longer prepared (it left with a handover), its file is purged in the same
transaction. The periodic purge (engagement.services.survey_data_purge) catches anything this missed.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from handover.models import Item

from .models import SurveyPackage
from .services import package_file_purge


@receiver(post_save, sender=Item, dispatch_uid="engagement.purge_package_file_once_handed_over")
def purge_package_file_once_handed_over(sender, instance: Item, update_fields=None, raw=False, **kwargs):
    if raw or instance.state == Item.State.PREPARED or not instance.is_medium:
        return
    if update_fields is not None and "state" not in update_fields:
        return
    package = SurveyPackage.objects.filter(medium_id=instance.pk, file_purged_at__isnull=True).exclude(blob="").first()
    if package is not None:
        package_file_purge(package=package)
