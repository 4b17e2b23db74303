from rest_framework import serializers

from agencies.models import Agency


class AgencySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    region_label = serializers.CharField(source="get_region_display", read_only=True)
    successor = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "kind_label",
            "region",
            "region_label",
            "is_active",
            "valid_from",
            "valid_to",
            "successor",
        ]
