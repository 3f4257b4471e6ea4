from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("places", "0002_submitted_place_unique"),
    ]

    operations = [
        migrations.AddField(
            model_name="localgovernment",
            name="alternate_names",
            field=models.TextField(
                blank=True, default="",
                help_text="Other names of the place (other languages, former names), "
                          "separated by “|”. Found by the search; not shown on public pages.",
                verbose_name="alternate names"),
        ),
    ]
