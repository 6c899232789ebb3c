from django.apps import AppConfig


class TrafficConfig(AppConfig):
    name = "traffic"
    verbose_name = "Request traffic"

    def ready(self) -> None:
        import atexit

        from mlplatform import process_state
        from traffic.services import request_counter_reset, request_counts_flush_quietly

        process_state.register_reset("request_counter", request_counter_reset)

        # A process that stops between flushes still persists its last few seconds.
        atexit.register(request_counts_flush_quietly)
