#!/bin/sh
# Creates the bucket and one MinIO user per component with only its policy (deploy/minio/ist-*-policy.json, the
# bucket name filled in). Idempotent: re-running updates the policies and the users' secrets. Run with mc's alias
# "ist" set to the MinIO root user. Used by k8s/base/minio/bucket-job.yaml and docker-compose.yml's minio-init.
# Needs: IST_S3_BUCKET, IST_S3_GATEWAY_ACCESS_KEY/SECRET_KEY, IST_S3_WORKER_ACCESS_KEY/SECRET_KEY, POLICY_DIR.
set -eu
mc mb --ignore-existing "ist/$IST_S3_BUCKET"
add_user() {  # add_user <component> <access key> <secret key>
  policy=ist-$1
  sed "s#arn:aws:s3:::BUCKET#arn:aws:s3:::$IST_S3_BUCKET#g" "$POLICY_DIR/$policy-policy.json" > "/tmp/$policy.json"
  mc admin policy create ist "$policy" "/tmp/$policy.json"
  mc admin user add ist "$2" "$3"
  # attach refuses a policy the user already has; that is the state we want
  mc admin policy attach ist "$policy" --user "$2" 2>/dev/null \
    || mc admin user info ist "$2" --json | grep -q "\"policyName\": *\"[^\"]*$policy"
}
add_user gateway "$IST_S3_GATEWAY_ACCESS_KEY" "$IST_S3_GATEWAY_SECRET_KEY"
add_user worker "$IST_S3_WORKER_ACCESS_KEY" "$IST_S3_WORKER_SECRET_KEY"
