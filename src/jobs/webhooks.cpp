// Job kind 'webhook.process': applies one identity-provider event.
#include "jobs/handlers.hpp"
#include "jobs/worker.hpp"

namespace tenantd::jobs {

void register_webhook_handlers() {}

}  // namespace tenantd::jobs
