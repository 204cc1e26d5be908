"""A new upload makes a new version; old versions stay listed and readable (issue 16, 5)."""

from attachments import selectors, services
from tests.attachments.conftest import JPEG, PDF, upload


def test_each_upload_to_a_slot_is_its_next_version_and_every_version_stays_readable(target, world):
    first = services.attach(target=target, upload=upload(PDF, "誓約書.pdf"), actor=world.manager, slot="pledge")
    second = services.attach(target=target, upload=upload(PDF + b"%2", "誓約書（再提出）.pdf"), actor=world.hr,
                             slot="pledge")
    other_slot = services.attach(target=target, upload=upload(JPEG, "IMG_0001.JPG", "image/jpeg"),
                                 actor=world.manager, slot="photo")
    assert (first.version, second.version, other_slot.version) == (1, 2, 1)
    assert list(selectors.files_for(target, "pledge")) == [second, first]
    assert selectors.latest_for(target, "pledge") == second
    assert {f.pk for f in selectors.files_for(target)} == {first.pk, second.pk, other_slot.pk}
    assert services.read(first, actor=world.auditor) == PDF
    assert services.read(second, actor=world.auditor) == PDF + b"%2"
    assert second.uploaded_by == world.hr and first.uploaded_by == world.manager
    assert first.contract == target and first.organisation == target.contractor


def test_the_name_kept_is_the_last_part_without_control_characters_and_with_its_real_extension(target, world):
    file = services.attach(target=target, upload=upload(PDF, "C:\\Users\\tanaka\\報告\x07書.pdf.exe"),
                           actor=world.manager)
    assert file.name == "報告書.pdf.exe.pdf"
    photo = services.attach(target=target, upload=upload(JPEG, "../../IMG_0001.jpeg", "image/jpeg"), actor=world.manager)
    assert photo.name == "IMG_0001.jpeg" and photo.media_type == "image/jpeg"
