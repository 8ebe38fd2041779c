"""The partner API's router: ``/api/v2/pages/`` and ``/api/v2/images/`` (``site_cms.urls`` mounts it)."""

from wagtail.api.v2.router import WagtailAPIRouter

from .views import LettingsAPIViewSet, PhotosAPIViewSet

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", LettingsAPIViewSet)
api_router.register_endpoint("images", PhotosAPIViewSet)

urlpatterns = api_router.get_urlpatterns()
