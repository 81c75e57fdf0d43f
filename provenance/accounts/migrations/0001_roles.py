"""Create the three role groups with their permissions."""

from django.db import migrations

VIEW_MODELS = {
    "corpus": ["outlet", "upload", "uploadfile", "uploaditem", "article", "credit"],
    "review": ["link", "chain", "chainnode", "chainlink", "decision", "annotation"],
}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(*codes):
        found = []
        for code in codes:
            app_label, codename = code.split(".")
            found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        return found

    views = [f"{app}.view_{model}" for app, models in VIEW_MODELS.items() for model in models]
    analyst = views + ["corpus.add_upload", "review.add_annotation", "review.change_annotation"]
    reviewer = analyst + ["review.decide_link", "review.add_decision"]
    moderator_perms = list(
        Permission.objects.filter(content_type__app_label__in=["corpus", "review"]).exclude(
            codename__in=["change_auditevent", "delete_auditevent", "add_auditevent"]
        )
    ) + perms("auth.view_user", "auth.change_user", "auth.view_group")

    for name, permissions in [("analyst", perms(*analyst)), ("reviewer", perms(*reviewer))]:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)
    group, _ = Group.objects.get_or_create(name="moderator")
    group.permissions.set(moderator_perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["analyst", "reviewer", "moderator"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("corpus", "0001_initial"),
        ("review", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
