"""An upload handler that never puts an uploaded file on disk (settings.FILE_UPLOAD_HANDLERS).

The survey's answers name every member of staff. Django's own handlers write a request whose body is
larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file, in plain text, before any view runs (and
core.middleware.RequestLimitsMiddleware parses every body before the views, so a view cannot swap the
handlers itself). This handler keeps each file in memory up to settings.UPLOAD_MAX_FILE_SIZE; the bytes
of a larger file are dropped as they arrive and the form receives an empty file that still reports its
size, so the file field refuses it with the size in Japanese (core.bounds), nothing having been kept.
"""

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUpload(InMemoryUploadedFile):
    """A file that went over the limit: its content was dropped, its size is what arrived."""

    too_large = True


class MemoryOnlyUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = BytesIO()
        self.received = 0
        self.limit = settings.UPLOAD_MAX_FILE_SIZE

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.buffer is not None:
            if self.received > self.limit:
                self.buffer = None  # what arrived so far is let go; the rest is counted, not kept
            else:
                self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        if self.buffer is None:
            return OversizedUpload(file=BytesIO(), field_name=self.field_name, name=self.file_name,
                                   content_type=self.content_type, size=self.received, charset=self.charset,
                                   content_type_extra=self.content_type_extra)
        self.buffer.seek(0)
        return InMemoryUploadedFile(file=self.buffer, field_name=self.field_name, name=self.file_name,
                                    content_type=self.content_type, size=file_size, charset=self.charset,
                                    content_type_extra=self.content_type_extra)
