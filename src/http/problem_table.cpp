#include "http/problem_table.hpp"

#include <cstring>

namespace tenantd {
namespace {

struct ProblemRow {
  const char* code;
  int status;
};

// Every problem code, by status. Generic codes (bad_request, forbidden, conflict, …) answer
// what has no more specific code.
const ProblemRow kProblems[] = {
    {"bad_request", 400},
    {"body_required", 400},
    {"invalid_config_key", 400},
    {"invalid_config_type", 400},
    {"invalid_context", 400},
    {"invalid_cursor", 400},
    {"invalid_datetime", 400},
    {"invalid_event", 400},
    {"invalid_field_type", 400},
    {"invalid_filter", 400},
    {"invalid_header", 400},
    {"invalid_idempotency_key", 400},
    {"invalid_limit", 400},
    {"invalid_path", 400},
    {"invalid_query", 400},
    {"invalid_sort", 400},
    {"invalid_status", 400},
    {"invalid_text", 400},
    {"invalid_time_range", 400},
    {"invalid_timestamp", 400},
    {"malformed_json", 400},
    {"missing_field", 400},
    {"unexpected_body", 400},
    {"unknown_field", 400},
    {"invalid_tenant_header", 400},
    {"invalid_hostname", 400},
    {"invalid_metric", 400},
    {"invalid_date", 400},
    {"invalid_credentials", 401},
    {"invalid_refresh_token", 401},
    {"invalid_token", 401},
    {"invalid_api_key", 401},
    {"membership_revoked", 401},
    {"operator_not_registered", 401},
    {"refresh_token_reused", 401},
    {"unauthenticated", 401},
    {"unauthorized", 401},
    {"missing_header", 401},
    {"bad_signature", 401},
    {"bad_timestamp", 401},
    {"timestamp_out_of_tolerance", 401},
    {"display_name_not_yours", 403},
    {"feature_not_available", 403},
    {"quota_exceeded", 403},
    {"forbidden", 403},
    {"role_escalation", 403},
    {"tenant_mismatch", 403},
    {"tenant_suspended", 403},
    {"user_disabled", 403},
    {"tenant_required", 403},
    {"origin_not_allowed", 403},
    {"quota_exceeded", 403},  // a plan limit: more requests will not help (not 429)
    {"config_not_found", 404},
    {"invitation_not_found", 404},
    {"not_found", 404},
    {"onboarding_step_not_found", 404},
    {"role_not_found", 404},
    {"tenant_not_found", 404},
    {"unknown_organization", 404},
    {"unknown_user", 404},
    {"user_not_found", 404},
    {"domain_not_found", 404},
    {"api_key_not_found", 404},
    {"method_not_allowed", 405},
    {"already_invited", 409},
    {"already_member", 409},
    {"built_in_role", 409},
    {"conflict", 409},
    {"email_taken", 409},
    {"idempotency_in_progress", 409},
    {"invalid_state", 409},
    {"invalid_transition", 409},
    {"invitation_accepted", 409},
    {"last_admin", 409},
    {"role_exists", 409},
    {"role_in_use", 409},
    {"slug_taken", 409},
    {"tenant_not_ready", 409},
    {"too_many_tenants", 409},
    {"domain_taken", 409},
    {"domain_exists", 409},
    {"domain_claim_ended", 409},
    {"api_key_not_rotatable", 409},
    {"usage_event_conflict", 409},
    {"gone", 410},
    {"invitation_unusable", 410},
    {"body_too_large", 413},
    {"unsupported_media_type", 415},
    {"config_value_too_large", 422},
    {"idempotency_key_required", 422},
    {"idempotency_key_reused", 422},
    {"invalid_email", 422},
    {"invalid_entitlements", 422},
    {"invalid_origin", 422},
    {"invalid_role_name", 422},
    {"invalid_slug", 422},
    {"too_many_entries", 422},
    {"unknown_permission", 422},
    {"unknown_plan", 422},
    {"unknown_role", 422},
    {"validation_failed", 422},
    {"value_too_large", 422},
    {"invalid_usage_event", 422},
    {"rate_limited", 429},
    {"too_many_attempts", 429},
    {"internal_error", 500},
    {"preseed_incomplete", 500},
    {"database_busy", 503},
    {"database_unavailable", 503},
    {"login_unavailable", 503},
    {"migrations_pending", 503},
    {"not_ready", 503},
    {"quota_unavailable", 503},
    {"retry", 503},
    {"events_unavailable", 503},
    {"too_many_streams", 503},
    {"timeout", 503},
    {"webhooks_unavailable", 503},
    // tenant data lifecycle
    {"secrets_unavailable", 503},
    {"secret_undecryptable", 409},
    {"data_key_changed", 409},
    {"sealed_value_required", 422},
    {"confirmation_mismatch", 422},
    {"retention_out_of_bounds", 422},
    {"invalid_retention", 422},
    // tenant data export
    {"export_not_found", 404},
    {"export_link_expired", 410},
    {"export_file_missing", 410},
};

struct SqlstateRow {
  const char* sqlstate;  // exact code, or a two-character class prefix
  const char* code;      // a code of kProblems
  const char* fixed_detail;
};

// SQLSTATE -> problem code. Our procedures raise TDxxx (sql/): one code per problem, with a
// message written for clients. Everything else gets a fixed detail. The first matching row
// wins: exact codes come before the class rows (two characters) they refine.
const SqlstateRow kSqlstates[] = {
    {"TD500", "internal_error", "internal error"},
    {"TDK01", "data_key_changed", nullptr},
    {"TDK02", "sealed_value_required", nullptr},
    {"TDK03", "confirmation_mismatch", nullptr},
    {"TDC23", "retention_out_of_bounds", nullptr},
    {"TDC24", "invalid_retention", nullptr},
    {"TDB01", "invalid_config_key", nullptr},
    {"TDB02", "invalid_config_type", nullptr},
    {"TDB03", "invalid_cursor", nullptr},
    {"TDB04", "invalid_event", nullptr},
    {"TDB05", "invalid_time_range", nullptr},
    {"TDB06", "invalid_timestamp", nullptr},
    {"TDB07", "invalid_context", nullptr},
    {"TDB08", "invalid_hostname", nullptr},
    {"TDB09", "invalid_metric", nullptr},
    {"TDB10", "invalid_date", nullptr},
    {"TDC01", "already_invited", nullptr},
    {"TDC02", "already_member", nullptr},
    {"TDC03", "built_in_role", nullptr},
    {"TDC04", "email_taken", nullptr},
    {"TDC05", "idempotency_in_progress", nullptr},
    {"TDC06", "invalid_state", nullptr},
    {"TDC07", "invalid_transition", nullptr},
    {"TDC08", "invitation_accepted", nullptr},
    {"TDC09", "last_admin", nullptr},
    {"TDC10", "role_exists", nullptr},
    {"TDC11", "role_in_use", nullptr},
    {"TDC12", "slug_taken", nullptr},
    {"TDC13", "tenant_not_ready", nullptr},
    {"TDC14", "too_many_tenants", nullptr},
    {"TDC15", "domain_taken", nullptr},
    {"TDC16", "domain_exists", nullptr},
    {"TDC17", "domain_claim_ended", nullptr},
    {"TDC19", "usage_event_conflict", nullptr},
    {"TDC20", "export_not_found", nullptr},
    {"TDC21", "export_link_expired", nullptr},
    {"TDF01", "display_name_not_yours", nullptr},
    {"TDF03", "role_escalation", nullptr},
    {"TDF04", "tenant_suspended", nullptr},
    {"TDF05", "user_disabled", nullptr},
    {"TDF06", "tenant_mismatch", nullptr},
    {"TDF07", "quota_exceeded", nullptr},
    {"TDF08", "feature_not_available", nullptr},
    {"TDG01", "invitation_unusable", nullptr},
    {"TDI01", "preseed_incomplete", nullptr},
    {"TDN01", "config_not_found", nullptr},
    {"TDN02", "invitation_not_found", nullptr},
    {"TDN03", "onboarding_step_not_found", nullptr},
    {"TDN04", "role_not_found", nullptr},
    {"TDN05", "tenant_not_found", nullptr},
    {"TDN06", "unknown_organization", nullptr},
    {"TDN07", "unknown_user", nullptr},
    {"TDN08", "user_not_found", nullptr},
    {"TDS01", "quota_unavailable", nullptr},
    {"TDN09", "domain_not_found", nullptr},
    {"TDU01", "membership_revoked", nullptr},
    {"TDU02", "operator_not_registered", nullptr},
    {"TDU03", "invalid_api_key", nullptr},
    {"TDN10", "api_key_not_found", nullptr},
    {"TDC18", "api_key_not_rotatable", nullptr},
    {"TDV01", "config_value_too_large", nullptr},
    {"TDV02", "idempotency_key_reused", nullptr},
    {"TDV03", "invalid_email", nullptr},
    {"TDV04", "invalid_role_name", nullptr},
    {"TDV05", "invalid_slug", nullptr},
    {"TDV06", "too_many_entries", nullptr},
    {"TDV07", "unknown_permission", nullptr},
    {"TDV08", "unknown_plan", nullptr},
    {"TDV09", "unknown_role", nullptr},
    {"TDV10", "invalid_entitlements", nullptr},
    {"TDV11", "invalid_usage_event", nullptr},
    {"TD400", "bad_request", nullptr},
    {"TD401", "unauthorized", nullptr},
    {"TD403", "forbidden", nullptr},
    {"TD404", "not_found", nullptr},
    {"TD409", "conflict", nullptr},
    {"TD410", "gone", nullptr},
    {"TD422", "validation_failed", nullptr},
    {"TD429", "rate_limited", nullptr},
    {"23505", "conflict", "a resource with these unique values already exists"},
    {"23503", "conflict", "a referenced resource does not exist"},
    {"23514", "validation_failed", "a value violates a constraint"},
    {"23502", "validation_failed", "a required value is missing"},
    {"23P01", "conflict", "the change conflicts with an existing resource"},
    {"23", "conflict", "the change conflicts with existing data"},
    {"2200H", "internal_error", "internal error"},
    {"22021", "invalid_text", "a text value is not valid UTF-8"},
    {"22P05", "invalid_text", "a text value has a character the database cannot store"},
    {"22P02", "bad_request", "a value has an invalid format"},
    {"22018", "bad_request", "a value has an invalid format"},
    {"22P03", "bad_request", "a value has an invalid format"},
    {"22007", "invalid_datetime", "a date or time value has an invalid format"},
    {"22008", "invalid_datetime", "a date or time value is out of range"},
    {"22009", "invalid_datetime", "a time zone offset is out of range"},
    {"22015", "invalid_datetime", "an interval value is out of range"},
    {"22001", "validation_failed", "a value is too long"},
    {"22003", "validation_failed", "a number is out of range"},
    {"22004", "validation_failed", "a required value is missing"},
    {"22012", "bad_request", "a value leads to a division by zero"},
    {"22023", "bad_request", "a parameter value is invalid"},
    {"2201B", "bad_request", "a pattern is not a valid regular expression"},
    {"2201W", "bad_request", "a limit is out of range"},
    {"2201X", "bad_request", "an offset is out of range"},
    {"22025", "bad_request", "a value has an invalid escape sequence"},
    {"22019", "bad_request", "a value has an invalid escape character"},
    {"2200D", "bad_request", "a value has an invalid escape octet"},
    {"22032", "bad_request", "a value is not valid JSON"},
    {"2202E", "bad_request", "an array index is out of range"},
    {"22", "bad_request", "a value is invalid"},
    {"54", "value_too_large", "a value exceeds a limit of the database"},
    {"42501", "forbidden", "not permitted"},
    {"40001", "retry", "concurrent update, retry the request"},
    {"40P01", "retry", "concurrent update, retry the request"},
    {"55P03", "retry", "resource busy, retry the request"},
    {"57014", "timeout", "the database took too long"},
    {"08", "database_unavailable", "database unavailable"},
    {"57", "database_unavailable", "database unavailable"},
    {"53", "database_unavailable", "database out of resources"},
};

}  // namespace

int problem_status(std::string_view code) {
  for (const auto& p : kProblems) {
    if (code == p.code) return p.status;
  }
  return 500;
}

bool is_known_problem(std::string_view code) {
  for (const auto& p : kProblems) {
    if (code == p.code) return true;
  }
  return false;
}

std::vector<std::string_view> problem_codes() {
  std::vector<std::string_view> out;
  for (const auto& p : kProblems) {
    bool seen = false;
    for (auto c : out) seen = seen || c == p.code;
    if (!seen) out.emplace_back(p.code);
  }
  return out;
}

SqlProblem problem_for_sqlstate(const std::string& sqlstate) {
  for (const auto& row : kSqlstates) {
    const size_t n = std::strlen(row.sqlstate);
    if (sqlstate.compare(0, n, row.sqlstate) == 0 && (n == 5 ? sqlstate.size() == 5 : true)) {
      return {problem_status(row.code), row.code, row.fixed_detail};
    }
  }
  return {500, "internal_error", "internal error"};
}

}  // namespace tenantd
