"""The gateway relays Build as bytes (api_images.py): doca.v1's build
messages must stay the images service's, field for field, or a field
added to one would be silently lost on the way."""
from doca.images.v1 import images_pb2 as ipb
from doca.v1 import images_pb2 as gipb

MESSAGES = ("BuildOptions", "BuildInput", "BuildStep", "BuildOutput", "BuildResult", "BuildEvent")


def _shape(descriptor) -> list:
    return [(f.name, f.number, f.type, f.is_repeated, f.has_presence,
             f.containing_oneof.name if f.containing_oneof else None,
             f.message_type.name if f.message_type else None) for f in descriptor.fields]


def test_build_messages_are_the_same_on_both_sides():
    for name in MESSAGES:
        assert _shape(gipb.DESCRIPTOR.message_types_by_name[name]) == \
            _shape(ipb.DESCRIPTOR.message_types_by_name[name]), name
