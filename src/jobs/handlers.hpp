#pragma once

namespace tenantd::jobs {

// Each file registers the job kinds it owns (called by register_builtin_handlers).
void register_provisioning_handlers();  // src/jobs/provisioning.cpp: 'tenant.provision'
void register_webhook_handlers();       // src/jobs/webhooks.cpp: 'webhook.process'
void register_retention_handlers();     // src/jobs/retention.cpp: 'retention.sweep'

}  // namespace tenantd::jobs
