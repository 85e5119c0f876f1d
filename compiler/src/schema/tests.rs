//! Tests for the provider schema loader, the typed model and `check_block`,
//! mostly against the embedded AWS provider schema.

use std::collections::BTreeMap;

use super::*;

fn aws() -> &'static ProviderSchema {
    ProviderSchema::embedded()
}

fn resource(name: &str) -> &'static BlockSchema {
    match aws().resource(name) {
        Some(block) => block,
        None => panic!("resource type {name} missing from the embedded schema"),
    }
}

#[test]
fn embedded_schema_is_aws_and_fully_decodes() {
    let schema = aws();
    assert_eq!(schema.source(), "registry.terraform.io/hashicorp/aws");
    assert_eq!(schema.resource_type_names().count(), 137);
    assert_eq!(schema.data_source_names().count(), 50);
    assert_eq!(schema.validate_all(), Ok(()));
    assert!(std::ptr::eq(schema, ProviderSchema::embedded()));
}

#[test]
fn names_are_sorted() {
    let names: Vec<&str> = aws().resource_type_names().collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    assert!(names.contains(&"aws_vpc"));
    let data: Vec<&str> = aws().data_source_names().collect();
    assert!(data.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn vpc_cidr_block_is_optional_string_and_id_arn_exported() {
    let vpc = resource("aws_vpc");
    let cidr = vpc.attribute("cidr_block").expect("cidr_block");
    assert_eq!(cidr.ty, TfType::String);
    assert!(cidr.optional && !cidr.required);
    assert!(cidr.is_argument());
    for name in ["id", "arn"] {
        let attr = vpc.attribute(name).expect("exported attribute");
        assert!(attr.is_exported(), "{name}");
    }
    let arn = vpc.attribute("arn").expect("arn");
    assert!(arn.is_computed_only());
    assert!(!arn.is_argument());
    assert_eq!(
        vpc.attribute("tags").map(|a| a.ty.to_string()),
        Some("map(string)".to_owned())
    );
}

#[test]
fn ecs_service_load_balancer_is_a_set_block() {
    let svc = resource("aws_ecs_service");
    let lb = svc.block("load_balancer").expect("load_balancer");
    assert_eq!(lb.nesting, Nesting::Set);
    assert_eq!(lb.max_items, 0);
    assert!(lb
        .block
        .attribute("container_port")
        .is_some_and(|a| a.required));
    assert_eq!(
        svc.block("timeouts").map(|b| b.nesting),
        Some(Nesting::Single)
    );
    assert_eq!(
        svc.block("network_configuration").map(|b| b.max_items),
        Some(1)
    );
}

#[test]
fn task_definition_container_definitions_is_required_string() {
    let td = resource("aws_ecs_task_definition");
    let cd = td.attribute("container_definitions").expect("attr");
    assert_eq!(cd.ty, TfType::String);
    assert!(cd.required);
}

#[test]
fn subnet_vpc_id_is_required() {
    let subnet = resource("aws_subnet");
    assert!(subnet.attribute("vpc_id").is_some_and(|a| a.required));
    let required: Vec<&str> = subnet.required_attributes().map(|(n, _)| n).collect();
    assert_eq!(required, ["vpc_id"]);
}

#[test]
fn unknown_types_are_none_and_suggested() {
    assert!(aws().resource("aws_subnett").is_none());
    assert!(!aws().has_resource("aws_subnett"));
    assert!(aws().has_resource("aws_subnet"));
    assert_eq!(aws().suggest_resource("aws_subnett"), Some("aws_subnet"));
    assert_eq!(aws().suggest_resource("aws_vcp"), Some("aws_vpc"));
    assert_eq!(aws().suggest_resource("google_compute_instance"), None);
    assert!(aws().data_source("aws_vpc").is_none() || aws().has_data_source("aws_vpc"));
}

#[test]
fn suggest_examples_from_the_brief() {
    let vpc = resource("aws_vpc");
    assert_eq!(
        suggest("cidr_blok", vpc.writable_names()),
        Some("cidr_block")
    );
    assert_eq!(
        suggest("enable_dns_hostname", vpc.writable_names()),
        Some("enable_dns_hostnames")
    );
    assert_eq!(
        suggest("aws_subnett", aws().resource_type_names()),
        Some("aws_subnet")
    );
    assert_eq!(suggest("frobnicate_everything", vpc.writable_names()), None);
    assert_eq!(suggest("zzz", aws().resource_type_names()), None);
}

#[test]
fn type_display_uses_terraform_syntax() {
    let obj = TfType::Object(BTreeMap::from([
        ("name".to_owned(), TfType::String),
        ("ports".to_owned(), TfType::List(Box::new(TfType::Number))),
    ]));
    assert_eq!(
        obj.to_string(),
        "object({name = string, ports = list(number)})"
    );
    assert_eq!(
        TfType::Map(Box::new(TfType::String)).to_string(),
        "map(string)"
    );
    assert_eq!(TfType::Set(Box::new(TfType::Bool)).to_string(), "set(bool)");
    assert_eq!(TfType::Dynamic.to_string(), "any");
    assert_eq!(
        TfType::Tuple(vec![TfType::String, TfType::Number]).to_string(),
        "tuple([string, number])"
    );
    assert_eq!(TfType::Object(BTreeMap::new()).to_string(), "object({})");
}

#[test]
fn cty_json_types_decode() {
    let CtyType(t) = serde_json::from_str(
        r#"["list", ["object", {"a": "string", "b": ["tuple", ["number", "dynamic"]]}]]"#,
    )
    .expect("decodes");
    assert_eq!(
        t.to_string(),
        "list(object({a = string, b = tuple([number, any])}))"
    );
    let CtyType(opt) = serde_json::from_str(r#"["object", {"a": "string"}, ["a"]]"#).expect("opt");
    assert_eq!(opt.to_string(), "object({a = string})");
    assert!(serde_json::from_str::<CtyType>(r#""strin""#).is_err());
    assert!(serde_json::from_str::<CtyType>(r#"["list"]"#).is_err());
    assert!(serde_json::from_str::<CtyType>(r#"["list", "string", "x"]"#).is_err());
    assert!(serde_json::from_str::<CtyType>(r#"["vector", "string"]"#).is_err());
}

#[test]
fn write_only_attributes_are_arguments_but_not_exported() {
    let db = resource("aws_db_instance");
    let pw = db.attribute("password_wo").expect("password_wo");
    assert!(pw.write_only && pw.sensitive);
    assert!(pw.is_argument());
    assert!(!pw.is_exported());
}

#[test]
fn implied_block_types() {
    let svc = resource("aws_ecs_service");
    let lb = svc.block("load_balancer").expect("load_balancer");
    let ty = lb.implied_type();
    assert!(
        matches!(&ty, TfType::Set(inner) if inner.object_attributes().is_some_and(|a| a.contains_key("container_port")))
    );
    let whole = svc.implied_type();
    assert!(whole
        .object_attributes()
        .is_some_and(|a| a.contains_key("id") && a.contains_key("load_balancer")));
}

// ---------------------------------------------------------------------------
// check_block: every BlockProblem variant.

fn check(block: &BlockSchema, items: &[WrittenItem<'_>]) -> Vec<BlockProblem> {
    block.check_block(items)
}

#[test]
fn check_block_accepts_a_valid_body() {
    let subnet = resource("aws_subnet");
    let problems = check(
        subnet,
        &[
            WrittenItem::attribute("vpc_id"),
            WrittenItem::attribute("cidr_block"),
            WrittenItem::attribute("tags"),
            WrittenItem::block("timeouts"),
        ],
    );
    assert_eq!(problems, []);
}

#[test]
fn check_block_unknown_argument_with_suggestion() {
    let vpc = resource("aws_vpc");
    let problems = check(
        vpc,
        &[
            WrittenItem::attribute("cidr_blok"),
            WrittenItem::attribute("enable_dns_hostname"),
            WrittenItem::block("wibble_wobble_thing"),
        ],
    );
    assert_eq!(
        problems,
        [
            BlockProblem::UnknownArgument {
                name: "cidr_blok".into(),
                suggestion: Some("cidr_block".into()),
            },
            BlockProblem::UnknownArgument {
                name: "enable_dns_hostname".into(),
                suggestion: Some("enable_dns_hostnames".into()),
            },
            BlockProblem::UnknownArgument {
                name: "wibble_wobble_thing".into(),
                suggestion: None,
            },
        ]
    );
    assert_eq!(
        problems[0].to_string(),
        "unknown argument `cidr_blok`; did you mean `cidr_block`?"
    );
}

#[test]
fn check_block_missing_required_attribute_and_block() {
    let subnet = resource("aws_subnet");
    assert_eq!(
        check(subnet, &[WrittenItem::attribute("cidr_block")]),
        [BlockProblem::MissingRequired {
            name: "vpc_id".into()
        }]
    );
    let listener = resource("aws_lb_listener");
    let problems = check(listener, &[]);
    assert!(problems.contains(&BlockProblem::MissingRequired {
        name: "default_action".into()
    }));
    assert!(problems.contains(&BlockProblem::MissingRequired {
        name: "load_balancer_arn".into()
    }));
}

#[test]
fn check_block_computed_only() {
    let vpc = resource("aws_vpc");
    assert_eq!(
        check(vpc, &[WrittenItem::attribute("arn")]),
        [BlockProblem::ComputedOnly { name: "arn".into() }]
    );
}

#[test]
fn check_block_wrong_syntax() {
    let svc = resource("aws_ecs_service");
    let problems = check(
        svc,
        &[
            WrittenItem::attribute("name"),
            WrittenItem::attribute("load_balancer"),
            WrittenItem::block("tags"),
        ],
    );
    assert_eq!(
        problems,
        [
            BlockProblem::BlockWrittenAsAttribute {
                name: "load_balancer".into()
            },
            BlockProblem::AttributeWrittenAsBlock {
                name: "tags".into()
            },
        ]
    );
}

#[test]
fn check_block_too_many_blocks() {
    let svc = resource("aws_ecs_service");
    let problems = check(
        svc,
        &[
            WrittenItem::attribute("name"),
            WrittenItem::block("network_configuration"),
            WrittenItem::block("network_configuration"),
            WrittenItem::block("load_balancer"),
            WrittenItem::block("load_balancer"),
            WrittenItem::block("load_balancer"),
            WrittenItem::block("timeouts"),
            WrittenItem::block("timeouts"),
        ],
    );
    assert_eq!(
        problems,
        [
            BlockProblem::TooManyBlocks {
                name: "network_configuration".into(),
                max: 1
            },
            BlockProblem::TooManyBlocks {
                name: "timeouts".into(),
                max: 1
            },
        ]
    );
}

#[test]
fn check_block_nested_body() {
    let svc = resource("aws_ecs_service");
    let lb = &svc.block("load_balancer").expect("load_balancer").block;
    assert_eq!(
        check(lb, &[WrittenItem::attribute("container_name")]),
        [BlockProblem::MissingRequired {
            name: "container_port".into()
        }]
    );
}

// ---------------------------------------------------------------------------
// A user's own `terraform providers schema -json` output.

const USER_SCHEMA: &str = r#"{
  "format_version": "1.0",
  "provider_schemas": {
    "registry.terraform.io/acme/widgets": {
      "provider": {
        "version": 0,
        "block": {
          "attributes": {
            "endpoint": {"type": "string", "optional": true, "description_kind": "plain"}
          },
          "description_kind": "plain"
        }
      },
      "resource_schemas": {
        "widgets_widget": {
          "version": 2,
          "block": {
            "attributes": {
              "id": {"type": "string", "computed": true},
              "name": {"type": "string", "required": true, "description": "The name."},
              "labels": {"type": ["map", "string"], "optional": true},
              "shape": {"type": ["tuple", ["number", "number"]], "optional": true},
              "secret": {"type": "string", "optional": true, "sensitive": true, "write_only": true},
              "ports": {
                "nested_type": {
                  "attributes": {
                    "port": {"type": "number", "required": true},
                    "protocol": {"type": "string", "optional": true, "computed": true}
                  },
                  "nesting_mode": "list"
                },
                "optional": true
              },
              "old": {"type": "bool", "optional": true, "deprecated": true}
            },
            "block_types": {
              "pair": {
                "nesting_mode": "list",
                "min_items": 2,
                "max_items": 2,
                "block": {"attributes": {"v": {"type": "dynamic", "required": true}}}
              },
              "settings": {
                "nesting_mode": "group",
                "block": {"attributes": {"x": {"type": "number", "optional": true}}}
              },
              "by_key": {
                "nesting_mode": "map",
                "block": {"attributes": {"x": {"type": "number", "optional": true}}}
              }
            }
          }
        },
        "widgets_broken": {"version": 0, "block": {"attributes": {"x": {"optional": true}}}}
      },
      "data_source_schemas": {
        "widgets_catalog": {"version": 0, "block": {"attributes": {"items": {"type": ["set", "string"], "computed": true}}}}
      },
      "ephemeral_resource_schemas": {},
      "functions": {}
    },
    "registry.terraform.io/hashicorp/random": {
      "provider": {"version": 0, "block": {"description_kind": "plain"}},
      "resource_schemas": {
        "random_id": {"version": 0, "block": {"attributes": {"byte_length": {"type": "number", "required": true}}}}
      }
    }
  }
}"#;

#[test]
fn user_schema_with_other_providers_parses() {
    let sources = ProviderSchema::provider_sources(USER_SCHEMA).expect("sources");
    assert_eq!(
        sources,
        [
            "registry.terraform.io/acme/widgets",
            "registry.terraform.io/hashicorp/random"
        ]
    );

    // No `/aws` provider: the first one is picked.
    let schema = ProviderSchema::from_json(USER_SCHEMA).expect("parses");
    assert_eq!(schema.source(), "registry.terraform.io/acme/widgets");
    let names: Vec<&str> = schema.resource_type_names().collect();
    assert_eq!(names, ["widgets_broken", "widgets_widget"]);
    assert_eq!(
        schema.data_source_names().collect::<Vec<_>>(),
        ["widgets_catalog"]
    );

    let endpoint = schema
        .provider_config()
        .and_then(|p| p.attribute("endpoint"))
        .expect("provider config");
    assert!(endpoint.optional);

    let widget = schema.resource("widgets_widget").expect("widget");
    let name = widget.attribute("name").expect("name");
    assert!(name.required);
    assert_eq!(name.description.as_deref(), Some("The name."));
    assert!(widget.attribute("old").is_some_and(|a| a.deprecated));
    assert_eq!(
        widget.attribute("shape").map(|a| a.ty.to_string()),
        Some("tuple([number, number])".into())
    );
    let ports = widget.attribute("ports").expect("ports");
    assert_eq!(
        ports.ty.to_string(),
        "list(object({port = number, protocol = string}))"
    );
    let nested = ports.nested.as_ref().expect("nested_type");
    assert_eq!(nested.nesting, Nesting::List);
    assert!(nested.attributes["port"].required);
    assert_eq!(
        widget.block("settings").map(|b| b.nesting),
        Some(Nesting::Group)
    );
    assert_eq!(
        widget.block("by_key").map(|b| b.implied_type().to_string()),
        Some("map(object({x = number}))".into())
    );

    let catalog = schema.data_source("widgets_catalog").expect("catalog");
    assert!(catalog
        .attribute("items")
        .is_some_and(|a| a.is_computed_only()));

    // A malformed entry fails on first use only, and is reported by try_*.
    assert!(schema.resource("widgets_broken").is_none());
    assert!(matches!(
        schema.try_resource("widgets_broken"),
        Err(SchemaError::InvalidEntry { kind: SchemaKind::Resource, ref name, .. }) if name == "widgets_broken"
    ));
    assert!(schema.validate_all().is_err());
    assert_eq!(schema.try_resource("nope"), Ok(None));

    let owned = ProviderSchema::from_json_string(USER_SCHEMA.to_owned()).expect("owned");
    assert!(owned.resource("widgets_widget").is_some());

    // Explicit selection, by full address or by suffix.
    let random = ProviderSchema::from_json_for(USER_SCHEMA, "hashicorp/random").expect("random");
    assert_eq!(random.source(), "registry.terraform.io/hashicorp/random");
    assert!(random.resource("random_id").is_some());
    assert_eq!(random.validate_all(), Ok(()));
    assert!(matches!(
        ProviderSchema::from_json_for(USER_SCHEMA, "aws"),
        Err(SchemaError::ProviderNotFound { .. })
    ));
}

#[test]
fn user_schema_too_few_blocks_and_group_limits() {
    let schema = ProviderSchema::from_json(USER_SCHEMA).expect("parses");
    let widget = schema.resource("widgets_widget").expect("widget");
    let problems = widget.check_block(&[
        WrittenItem::attribute("name"),
        WrittenItem::block("pair"),
        WrittenItem::block("settings"),
        WrittenItem::block("settings"),
        WrittenItem::block("by_key"),
        WrittenItem::block("by_key"),
    ]);
    assert_eq!(
        problems,
        [
            BlockProblem::TooFewBlocks {
                name: "pair".into(),
                min: 2
            },
            BlockProblem::TooManyBlocks {
                name: "settings".into(),
                max: 1
            },
        ]
    );
    let none_written = widget.check_block(&[WrittenItem::attribute("name")]);
    assert_eq!(
        none_written,
        [BlockProblem::MissingRequired {
            name: "pair".into()
        }]
    );
}

#[test]
fn aws_provider_is_preferred_when_several_are_present() {
    let doc = r#"{"provider_schemas": {
        "registry.terraform.io/a/first": {"resource_schemas": {}},
        "registry.terraform.io/hashicorp/aws": {"resource_schemas": {"aws_x": {"version": 0, "block": {}}}}
    }}"#;
    let schema = ProviderSchema::from_json(doc).expect("parses");
    assert_eq!(schema.source(), "registry.terraform.io/hashicorp/aws");
    assert_eq!(schema.resource("aws_x"), Some(&BlockSchema::default()));
}

#[test]
fn malformed_documents_are_errors() {
    assert!(matches!(
        ProviderSchema::from_json("{"),
        Err(SchemaError::Json(_))
    ));
    assert!(matches!(
        ProviderSchema::from_json(r#"{"provider_schemas": {}}"#),
        Err(SchemaError::NoProviders)
    ));
    assert!(matches!(
        ProviderSchema::from_json(r#"{"format_version": "1.0"}"#),
        Err(SchemaError::NoProviders)
    ));
    assert!(
        ProviderSchema::from_json(r#"{"provider_schemas": {"x": {"resource_schemas": 3}}}"#)
            .is_err()
    );
}

/// The schema document the build script stored the embedded schema from.
const EMBEDDED_SCHEMA_JSON: &str = include_str!("../../../stdlib/aws/provider-schema.json");

#[test]
fn stored_blocks_equal_the_documents_entries() {
    let document = ProviderSchema::from_json(EMBEDDED_SCHEMA_JSON).expect("parses");
    let stored = aws();
    assert_eq!(stored.source(), document.source());
    assert!(stored
        .resource_type_names()
        .eq(document.resource_type_names()));
    assert!(stored.data_source_names().eq(document.data_source_names()));
    assert_eq!(stored.provider_config(), document.provider_config());
    for name in document.resource_type_names() {
        assert_eq!(
            stored.try_resource(name),
            document.try_resource(name),
            "{name}"
        );
    }
    for name in document.data_source_names() {
        let (from_store, from_json) =
            (stored.try_data_source(name), document.try_data_source(name));
        assert_eq!(from_store, from_json, "{name}");
    }
}

#[test]
fn stored_form_round_trips_every_kind_of_type() {
    let block = BlockSchema {
        attributes: BTreeMap::from([(
            "tags".to_owned(),
            AttributeSchema {
                ty: TfType::Object(BTreeMap::from([
                    (
                        "a".to_owned(),
                        TfType::Tuple(vec![TfType::Number, TfType::Dynamic]),
                    ),
                    ("b".to_owned(), TfType::Set(Box::new(TfType::Bool))),
                ])),
                description: Some("Tags.".to_owned()),
                ..AttributeSchema::default()
            },
        )]),
        description: None,
        deprecated: true,
        ..BlockSchema::default()
    };
    let bytes = ragc_schema_model::store(&block).expect("stores");
    assert_eq!(ragc_schema_model::load_stored(&bytes), Ok(block));
    assert!(ragc_schema_model::load_stored(&bytes[..bytes.len() - 1]).is_err());
}
