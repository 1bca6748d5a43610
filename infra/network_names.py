"""Names of the runtime's network that the commands around ``cdk`` read without starting jsii (``make destroy``)."""

RUNTIME_SECURITY_GROUP = "RuntimeSecurityGroup"
"""The construct id of the security group the stack creates for the runtime in VPC mode, which it keeps on delete:
AgentCore's network interfaces may still use it for up to 8 hours after the runtime is deleted."""

SECURITY_GROUP_TYPE = "AWS::EC2::SecurityGroup"
