//go:build tools

// Package deps pins the module's direct dependencies while the packages that
// use them are being written, so parallel work never edits go.mod at once.
// Remove an import here once real code imports the package.
package deps

import (
	_ "github.com/hashicorp/go-hclog"
	_ "github.com/hashicorp/packer-plugin-sdk/communicator"
	_ "github.com/hashicorp/packer-plugin-sdk/multistep"
	_ "github.com/hashicorp/packer-plugin-sdk/multistep/commonsteps"
	_ "github.com/hashicorp/packer-plugin-sdk/packer"
	_ "github.com/hashicorp/packer-plugin-sdk/plugin"
	_ "github.com/hashicorp/packer-plugin-sdk/template/config"
	_ "github.com/hashicorp/packer-plugin-sdk/version"
	_ "github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	_ "github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	_ "github.com/hashicorp/terraform-plugin-framework/providerserver"
	_ "github.com/hashicorp/terraform-plugin-go/tfprotov6"
	_ "github.com/hashicorp/terraform-plugin-log/tflog"
	_ "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	_ "github.com/hashicorp/terraform-plugin-testing/knownvalue"
	_ "github.com/hashicorp/terraform-plugin-testing/plancheck"
	_ "github.com/hashicorp/terraform-plugin-testing/statecheck"
	_ "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	_ "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	_ "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
	_ "golang.org/x/crypto/ssh"
)
