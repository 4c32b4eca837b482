"""What the episode list would cost without the project: the same table, filter and page,
served the plain way. Loaded only through bench.settings.

- `PlainDrfEpisodeList`: a DRF `ListAPIView` with a `ModelSerializer` of every field and DRF's
  `LimitOffsetPagination`, no authentication, permission or throttle (the framework as a tutorial
  uses it);
- `values_episode_list`: a `JsonResponse` of `.values()` (the floor: one query, no framework).
"""

from django.http import JsonResponse
from rest_framework import generics, serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny

from episodes.models import Episode


class EpisodeModelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Episode
        fields = "__all__"


class PlainDrfEpisodeList(generics.ListAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    filter_backends = []
    pagination_class = LimitOffsetPagination
    serializer_class = EpisodeModelSerializer

    def get_queryset(self):
        return Episode.objects.filter(infant__uuid=self.request.query_params["infant"]).order_by(
            "-started_at"
        )


def values_episode_list(request):
    limit = int(request.GET.get("limit", 25))
    rows = list(
        Episode.objects.filter(infant__uuid=request.GET["infant"])
        .order_by("-started_at")
        .values()[:limit]
    )
    return JsonResponse({"results": rows})
