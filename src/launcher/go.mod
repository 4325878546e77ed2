module spire-aws-kms-keymanager/launcher

go 1.26
