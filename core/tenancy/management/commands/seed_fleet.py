"""`seed_fleet --groups N`: make sure N fleet groups exist (benchmarks, load tests)."""

import json

from django.core.management.base import BaseCommand

from core.tenancy.fleet import seed_fleet


class Command(BaseCommand):
    help = "Create fleet groups (fleet-00001...) up to --groups in total, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--groups", type=int, required=True)
        parser.add_argument("--batch-size", type=int, default=50)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, groups, batch_size, workers, **options):
        def progress(done, todo):
            if done % 1000 < batch_size or done == todo:
                self.stderr.write(f"  seeded {done}/{todo}")

        result = seed_fleet(groups, batch_size=batch_size, workers=workers, progress=progress)
        self.stdout.write(json.dumps(result))
