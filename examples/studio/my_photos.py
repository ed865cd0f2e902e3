# A client asks for their photos: the declassifier for their label releases them.
import rt


def handler(event, context):
    return rt.declassify("photos-" + context["label"], None)
