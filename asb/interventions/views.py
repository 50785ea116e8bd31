from flask import Blueprint

blueprint = Blueprint("interventions", __name__)
