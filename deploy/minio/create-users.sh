#!/bin/bash
# Creates the bucket and one MinIO user per component with only its policy (deploy/minio/ist-*-policy.json, the
# bucket name filled in). Idempotent: re-running updates the policies and the users' secrets. Run with mc's alias
# "ist" set to the MinIO root user. Used by k8s/base/minio/bucket-job.yaml and docker-compose.yml's minio-init.
# Needs: IST_S3_BUCKET, IST_S3_GATEWAY_ACCESS_KEY/SECRET_KEY, IST_S3_WORKER_ACCESS_KEY/SECRET_KEY, POLICY_DIR.
# Bash built-ins only: the minio/mc image has no sed, grep or awk.
set -euo pipefail
mc mb --ignore-existing "ist/$IST_S3_BUCKET"
add_user() {  # add_user <component> <access key> <secret key>
  local policy=ist-$1 template info
  template=$(<"$POLICY_DIR/$policy-policy.json")
  printf '%s\n' "${template//arn:aws:s3:::BUCKET/arn:aws:s3:::$IST_S3_BUCKET}" >"/tmp/$policy.json"
  mc admin policy create ist "$policy" "/tmp/$policy.json"
  mc admin user add ist "$2" "$3"
  # attach refuses a policy the user already has; that is the state we want
  if ! mc admin policy attach ist "$policy" --user "$2" 2>/dev/null; then
    info=$(mc admin user info ist "$2" --json)
    [[ $info == *'"policyName":'*"$policy"* ]] || { echo "could not attach policy $policy to $2" >&2; exit 1; }
  fi
}
add_user gateway "$IST_S3_GATEWAY_ACCESS_KEY" "$IST_S3_GATEWAY_SECRET_KEY"
add_user worker "$IST_S3_WORKER_ACCESS_KEY" "$IST_S3_WORKER_SECRET_KEY"
