from django.conf import settings


def site(request):
    return {
        "demo_skip_two_factor": settings.DEMO_SKIP_TWO_FACTOR_ENROLMENT,
    }
